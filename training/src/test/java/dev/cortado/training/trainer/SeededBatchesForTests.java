package dev.cortado.training.trainer;

import dev.cortado.tensor.Tensor;
import dev.cortado.training.data.Batch;
import dev.cortado.training.data.BatchSource;

import java.util.Random;

/**
 * A minimal in-memory stand-in for the real data loader: {@code n} examples of {@code features} random
 * values with labels {@code i % classes}, shuffled per epoch by a permutation drawn from (seed, epoch).
 */
final class SeededBatchesForTests implements BatchSource {
    private final float[][] inputs;
    private final long[] labels;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;

    SeededBatchesForTests(int n, int features, int classes, int batchSize, long seed, boolean shuffle) {
        Tensor x = Tensor.randn(seed, n, features);
        inputs = new float[n][];
        labels = new long[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = x.select(0, i).toFloatArray();
            labels[i] = i % classes;
        }
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    @Override
    public int batchesPerEpoch() {
        return inputs.length / batchSize;
    }

    @Override
    public BatchIterator epoch(int epoch, int firstBatch) {
        int[] order = new int[inputs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(seed * 1_000_003L + epoch);
        for (int i = order.length - 1; shuffle && i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new BatchIterator() {
            private int next = firstBatch;

            @Override
            public boolean hasNext() {
                return next < batchesPerEpoch();
            }

            @Override
            public Batch next() {
                int features = inputs[0].length;
                float[] x = new float[batchSize * features];
                long[] y = new long[batchSize];
                int[] indices = new int[batchSize];
                for (int b = 0; b < batchSize; b++) {
                    indices[b] = order[next * batchSize + b];
                    System.arraycopy(inputs[indices[b]], 0, x, b * features, features);
                    y[b] = labels[indices[b]];
                }
                next++;
                return new Batch(Tensor.fromArray(x, batchSize, features), Tensor.fromLongs(y, batchSize), indices);
            }

            @Override
            public void close() {
            }
        };
    }
}
