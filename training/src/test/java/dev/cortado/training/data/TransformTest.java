package dev.cortado.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Transforms against hand-computed pixels, with a scripted random generator. */
class TransformTest {
    /** Returns the scripted values from nextInt(bound) and nextDouble(), checking the bound. */
    static final class Scripted implements RandomGenerator {
        private final ArrayDeque<Double> values = new ArrayDeque<>();
        private final ArrayDeque<Integer> bounds = new ArrayDeque<>();

        Scripted giveInt(int bound, int value) {
            bounds.add(bound);
            values.add((double) value);
            return this;
        }

        Scripted giveDouble(double... ds) {
            for (double d : ds) {
                bounds.add(-1);
                values.add(d);
            }
            return this;
        }

        @Override
        public int nextInt(int bound) {
            assertEquals(bound, bounds.poll(), "nextInt bound");
            return values.poll().intValue();
        }

        @Override
        public double nextDouble() {
            assertEquals(-1, bounds.poll(), "nextDouble expected");
            return values.poll();
        }

        @Override
        public long nextLong() {
            throw new AssertionError("unexpected draw");
        }
    }

    /** [2, 3, 3] with values 1..18 (channel c, row y, col x holds 9c + 3y + x + 1). */
    private static Tensor image() {
        float[] v = new float[18];
        for (int i = 0; i < 18; i++) {
            v[i] = i + 1;
        }
        return Tensor.fromArray(v, 2, 3, 3);
    }

    @Test
    void randomCropWithPadding() {
        // Padded image is 5×5; bounds are 5 − 3 + 1 = 3. top = 0, left = 2: rows −1..1, cols 1..3 of the input.
        Tensor out = new RandomCrop(3, 1).apply(image(), new Scripted().giveInt(3, 0).giveInt(3, 2));
        assertArrayEquals(new float[] {
            0, 0, 0,   2, 3, 0,   5, 6, 0,          // channel 0
            0, 0, 0,   11, 12, 0, 14, 15, 0}, out.toFloatArray());
        // top = 1, left = 1 is the unpadded image.
        assertArrayEquals(image().toFloatArray(),
                new RandomCrop(3, 1).apply(image(), new Scripted().giveInt(3, 1).giveInt(3, 1)).toFloatArray());
        // A 2×2 crop without padding at top 1, left 0: rows 1..2, cols 0..1.
        Tensor small = new RandomCrop(2, 0).apply(image(), new Scripted().giveInt(2, 1).giveInt(2, 0));
        assertArrayEquals(new int[] {2, 2, 2}, small.shape());
        assertArrayEquals(new float[] {4, 5, 7, 8, 13, 14, 16, 17}, small.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(6, 1).apply(image(), new Scripted()));
    }

    @Test
    void horizontalFlip() {
        Tensor in = image();
        Tensor flipped = new RandomHorizontalFlip(0.5).apply(in, new Scripted().giveDouble(0.49));
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10, 15, 14, 13, 18, 17, 16},
                flipped.toFloatArray());
        assertArrayEquals(in.toFloatArray(),
                new RandomHorizontalFlip(0.5).apply(in, new Scripted().giveDouble(0.5)).toFloatArray());
        assertArrayEquals(image().toFloatArray(), in.toFloatArray(), "input untouched");
    }

    @Test
    void normalizePerChannel() {
        Tensor out = new Normalize(new float[] {1, 10}, new float[] {2, 4}).apply(image(), new Scripted());
        assertEquals((1 - 1) / 2f, out.get(0, 0, 0), 0f);
        assertEquals((9 - 1) / 2f, out.get(0, 2, 2), 0f);
        assertEquals((10 - 10) / 4f, out.get(1, 0, 0), 0f);
        assertEquals((18 - 10) / 4f, out.get(1, 2, 2), 0f);
        assertThrows(IllegalArgumentException.class,
                () -> new Normalize(new float[] {0}, new float[] {1}).apply(image(), new Scripted()));
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0}, new float[] {0}));
    }

    @Test
    void gaussianNoiseStatistics() {
        // 1×100×100 of 0.5 plus N(0, 0.1²): the sample mean lies within 0.5 ± 4·0.1/√10⁴ = ±0.004 and the sample
        // std within 0.1 ± 4 standard errors (σ/√(2n) = 0.0007).
        Tensor out = new GaussianNoise(0.1).apply(Tensor.full(0.5f, 1, 100, 100), new SplittableRandom(7));
        float[] v = out.toFloatArray();
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(var / (v.length - 1));
        assertEquals(0.5, mean, 0.004);
        assertEquals(0.1, std, 0.003);
        assertArrayEquals(v, new GaussianNoise(0.1).apply(Tensor.full(0.5f, 1, 100, 100), new SplittableRandom(7))
                .toFloatArray(), "same seed, same noise");
    }

    @Test
    void composeDrawsInOrder() {
        // Crop draws two ints, then flip draws one double, from the same generator.
        Transform t = Compose.of(new RandomCrop(3, 1), new RandomHorizontalFlip(1.0));
        Tensor out = t.apply(image(), new Scripted().giveInt(3, 1).giveInt(3, 1).giveDouble(0.3));
        assertArrayEquals(new RandomHorizontalFlip(1).apply(image(), new Scripted().giveDouble(0)).toFloatArray(),
                out.toFloatArray());
        assertEquals(2, new Compose(List.of(new GaussianNoise(0), new GaussianNoise(1))).transforms().size());
    }

    @Test
    void rejectsNonImages() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new RandomHorizontalFlip(1).apply(Tensor.zeros(4, 4), new Scripted()));
        assertEquals("RandomHorizontalFlip: expected an image [C, H, W], got shape [4, 4]", e.getMessage());
    }
}
