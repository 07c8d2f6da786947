package dev.cortado.training.data;

import dev.cortado.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Adds independent Gaussian noise to every pixel: {@code out = in + std · z}, z ~ N(0, 1) drawn with
 * {@code rng.nextGaussian()} in row-major order. The result is not clamped to [0, 1].
 */
public record GaussianNoise(double std) implements Transform {
    public GaussianNoise {
        if (!(std >= 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("GaussianNoise: std " + std + " must be finite and ≥ 0");
        }
    }

    @Override
    public Tensor apply(Tensor image, RandomGenerator rng) {
        Transform.requireImage("GaussianNoise", image);
        float[] out = image.toFloatArray();
        for (int i = 0; i < out.length; i++) {
            out[i] += (float) (std * rng.nextGaussian());
        }
        return Tensor.fromArray(out, image.shape());
    }
}
