package dev.cortado.training.data;

import dev.cortado.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Mirrors the image left to right with probability {@code p}: {@code out[c, y, x] = in[c, y, W − 1 − x]} when
 * {@code rng.nextDouble() < p}, else a copy of the input (as torchvision's {@code RandomHorizontalFlip(p)}).
 */
public record RandomHorizontalFlip(double p) implements Transform {
    public RandomHorizontalFlip {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("RandomHorizontalFlip: probability " + p + " outside [0, 1]");
        }
    }

    @Override
    public Tensor apply(Tensor image, RandomGenerator rng) {
        Transform.requireImage("RandomHorizontalFlip", image);
        if (rng.nextDouble() >= p) {
            return image.copy();
        }
        int channels = image.size(0);
        int h = image.size(1);
        int w = image.size(2);
        float[] in = image.contiguous().floatData();
        float[] out = new float[in.length];
        for (int row = 0; row < channels * h; row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                out[base + x] = in[base + w - 1 - x];
            }
        }
        return Tensor.fromArray(out, channels, h, w);
    }
}
