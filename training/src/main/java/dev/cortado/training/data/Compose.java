package dev.cortado.training.data;

import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/** Applies {@code transforms} in order, all drawing from the same random generator in turn. */
public record Compose(List<Transform> transforms) implements Transform {
    public Compose {
        transforms = List.copyOf(transforms);
    }

    public static Compose of(Transform... transforms) {
        return new Compose(List.of(transforms));
    }

    @Override
    public Tensor apply(Tensor image, RandomGenerator rng) {
        Tensor out = image;
        for (Transform t : transforms) {
            out = t.apply(out, rng);
        }
        return out;
    }
}
