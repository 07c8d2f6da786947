package dev.cortado.training.data;

import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Per-channel standardisation {@code out[c, y, x] = (in[c, y, x] − mean[c]) / std[c]}, as torchvision's
 * {@code Normalize(mean, std)}. Deterministic: the random generator is not used.
 */
public record Normalize(float[] mean, float[] std) implements Transform {
    public Normalize {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: need one mean and one std per channel, got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("Normalize: std " + Arrays.toString(std)
                        + " must be finite and > 0");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public Tensor apply(Tensor image, RandomGenerator rng) {
        Transform.requireImage("Normalize", image);
        int channels = image.size(0);
        if (channels != mean.length) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " channel statistics for an image of "
                    + "shape " + Arrays.toString(image.shape()));
        }
        float[] out = image.toFloatArray();
        int plane = out.length / channels;
        for (int c = 0; c < channels; c++) {
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = (out[i] - mean[c]) / std[c];
            }
        }
        return Tensor.fromArray(out, image.shape());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Normalize n && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
