package dev.cortado.training.data;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A per-example image transform: [C, H, W] float32 in, a new tensor out (the input is never modified).
 *
 * <p>All randomness comes from {@code rng}; the {@link DataLoader} seeds it from (seed, epoch, dataset index)
 * only, so an example is transformed the same way whatever thread loads it and wherever a run resumes.
 * Implementations draw with {@link RandomGenerator#nextInt(int)}, {@link RandomGenerator#nextDouble()} and
 * {@link RandomGenerator#nextGaussian()}.
 */
@FunctionalInterface
public interface Transform {
    Tensor apply(Tensor image, RandomGenerator rng);

    /** Checks that {@code image} is a float [C, H, W] tensor; {@code name} names the transform in the error. */
    static void requireImage(String name, Tensor image) {
        image.requireDType(name, DType.FLOAT32);
        if (image.dim() != 3) {
            throw new IllegalArgumentException(name + ": expected an image [C, H, W], got shape "
                    + Arrays.toString(image.shape()));
        }
    }
}
