package dev.cortado.nn;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;

/**
 * Parameter initialisers with PyTorch's default formulas (torch.nn.init), each from an explicit seed.
 * Values match PyTorch's distributions, not its random streams.
 */
public final class Init {
    private Init() {
    }

    /** U(-bound, bound). */
    public static Tensor uniform(long seed, float bound, int... shape) {
        return Elementwise.sub(Elementwise.mul(Tensor.rand(seed, shape), 2 * bound), bound);
    }

    /** N(0, std²). */
    public static Tensor normal(long seed, float std, int... shape) {
        return Elementwise.mul(Tensor.randn(seed, shape), std);
    }

    /**
     * Kaiming (He) uniform: U(-b, b) with b = gain·√(3/fanIn), gain = √(2/(1 + a²)). PyTorch's Linear and
     * Conv2d use a = √5, which gives b = 1/√fanIn.
     */
    public static Tensor kaimingUniform(long seed, int fanIn, double a, int... shape) {
        double gain = Math.sqrt(2 / (1 + a * a));
        return uniform(seed, (float) (gain * Math.sqrt(3.0 / Math.max(1, fanIn))), shape);
    }

    /** Xavier (Glorot) uniform: U(-b, b) with b = √(6/(fanIn + fanOut)). */
    public static Tensor xavierUniform(long seed, int fanIn, int fanOut, int... shape) {
        return uniform(seed, (float) Math.sqrt(6.0 / Math.max(1, fanIn + fanOut)), shape);
    }

    /**
     * A seed for the {@code index}-th random tensor of a module built from {@code seed}: one SplitMix64
     * step over both, so nearby seeds and indices give unrelated streams.
     */
    public static long derive(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
