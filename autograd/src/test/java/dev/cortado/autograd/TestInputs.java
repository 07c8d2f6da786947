package dev.cortado.autograd;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;

/** Seeded inputs for gradient checks. */
final class TestInputs {
    private TestInputs() {
    }

    /**
     * Distinct values 0.05 apart in a scrambled order (element i holds (i·37 mod n)·0.05 − n·0.025), so
     * no max/min ties within a central-difference step of 1e-2. n must not be a multiple of 37.
     */
    static Tensor distinct(int... shape) {
        Tensor x = Tensor.zeros(shape);
        int n = x.numel();
        float[] data = x.floatData();
        for (int i = 0; i < n; i++) {
            data[i] = (i * 37 % n) * 0.05f - n * 0.025f;
        }
        return x;
    }

    /** Values in [lo, hi) with a fixed seed. */
    static Tensor uniform(long seed, float lo, float hi, int... shape) {
        return Elementwise.add(Elementwise.mul(Tensor.rand(seed, shape), hi - lo), lo);
    }
}
