package dev.cortado.examples;

import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Joining;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.data.DataLoader;
import dev.cortado.training.data.Dataset;
import dev.cortado.training.data.FashionMnist;
import dev.cortado.training.data.Normalize;
import dev.cortado.training.data.Subset;
import dev.cortado.training.data.UInt8ImageDataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * Fashion-MNIST as the example jobs use it: the splits from {@code --data DIR} or the bundled subset, optional
 * size limits for quick runs, inputs normalised with the training set's mean and deviation, and the ViT
 * shape that fits 28×28 images on a 2-core machine.
 *
 * @param description where the data came from, for the result JSON
 */
record FashionMnistData(UInt8ImageDataset train, UInt8ImageDataset test, String description) {
    /** Mean and standard deviation of the 60,000 training pixels (in [0, 1]). */
    static final Normalize NORMALIZE = new Normalize(new float[] {0.2860f}, new float[] {0.3530f});

    /** The splits from {@code dir} (null: the bundled subset), cut to the first {@code limit} images (0: all). */
    static FashionMnistData load(Path dir, int trainLimit, int testLimit) throws IOException {
        UInt8ImageDataset train = dir == null ? FashionMnist.bundled(FashionMnist.Split.TRAIN)
                : FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        UInt8ImageDataset test = dir == null ? FashionMnist.bundled(FashionMnist.Split.TEST)
                : FashionMnist.load(dir, FashionMnist.Split.TEST);
        return new FashionMnistData(limit(train, trainLimit), limit(test, testLimit),
                dir == null ? "bundled subset" : dir.toString());
    }

    private static UInt8ImageDataset limit(UInt8ImageDataset data, int limit) {
        return limit <= 0 ? data : data.first(limit);
    }

    /**
     * ViT for 28×28×1 images: patches of 7 (16 tokens and a class token), width 128, 4 layers of 4 heads,
     * MLP 256, no dropout: about 0.55 M parameters, a training step of 64 images in about 0.1 s on 2 cores.
     */
    static VisionTransformer.Config vitConfig(int classes, long seed) {
        return new VisionTransformer.Config(28, 1, 7, 128, 4, 4, 256, classes, 0f, seed);
    }

    /** The training examples at {@code indices} of the training split. */
    Dataset trainSubset(int[] indices) {
        return new Subset(train, indices);
    }

    /** Shuffled (seeded), normalised batches; the last incomplete batch is dropped. */
    DataLoader loader(Dataset dataset, int batchSize, long seed) {
        return DataLoader.builder(dataset, batchSize).shuffle(true).seed(seed).dropLast(true).transform(NORMALIZE)
                .build();
    }

    /** Images {@code [from, to)} of {@code data}, normalised, as one {@code [n, 1, 28, 28]} batch. */
    static Tensor normalizedBatch(UInt8ImageDataset data, int from, int to) {
        Tensor[] images = IntStream.range(from, to).mapToObj(i -> NORMALIZE.apply(data.image(i), null))
                .toArray(Tensor[]::new);
        return Joining.stack(0, images);
    }
}
