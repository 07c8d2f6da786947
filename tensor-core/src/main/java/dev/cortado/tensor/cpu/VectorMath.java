package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;
import static jdk.incubator.vector.FloatVector.fromArray;

import dev.cortado.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector forms of the unary ops; each agrees with {@code ScalarMath.unary} to float rounding error and gives
 * the same bits in every JIT tier (see {@link Transcendentals}). SIN and COS have none: Java has no
 * tier-independent vector sine, so the kernels run them lane by lane through {@link Math#sin}/{@link Math#cos}.
 */
final class VectorMath {
    private static final int LANES = FLOAT.length();
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    private static final float TWO_OVER_SQRT_PI = (float) (2 / Math.sqrt(Math.PI));

    private VectorMath() {
    }

    /** Whether op has a vector form here ({@link #forward} and {@link #backward} accept it). */
    static boolean vectorizes(UnaryOp op) {
        return op != UnaryOp.SIN && op != UnaryOp.COS;
    }

    /** {@code dst[to + i] = f(src[from + i])} for i below {@code bound}, a multiple of the lane count. */
    @FunctionalInterface
    interface ForwardLoop {
        void run(float[] src, int from, float[] dst, int to, int bound);
    }

    /** {@code dst[to + i] = f'(src[from + i]) · grad[at + i]} for i below {@code bound}. */
    @FunctionalInterface
    interface BackwardLoop {
        void run(float[] src, int from, float[] grad, int at, float[] dst, int to, int bound);
    }

    /**
     * The vector loop of op: {@code dst[to + i] = op(src[from + i])}. Every op has a loop of its own, written
     * out below, so that C2 compiles each loop with only its op inlined. A shared loop (over a switch, or
     * calling a function object) is compiled once for all the ops a program uses; with a few transcendental
     * ops hot it exceeds C2's inlining budget, the vectors are boxed, and exp, tanh and GELU each ran 2–3
     * times slower (measured).
     */
    static ForwardLoop forward(UnaryOp op) {
        return switch (op) {
            case NEG -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) fromArray(FLOAT, s, f + i).neg().intoArray(d, t + i);
            };
            case ABS -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) fromArray(FLOAT, s, f + i).abs().intoArray(d, t + i);
            };
            case EXP -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) Transcendentals.exp(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case LOG -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) Transcendentals.log(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case SQRT -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) fromArray(FLOAT, s, f + i).sqrt().intoArray(d, t + i);
            };
            case RSQRT -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) rsqrt(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case RECIPROCAL -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) reciprocal(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case SQUARE -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) square(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case TANH -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) Transcendentals.tanh(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case SIGMOID -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) sigmoid(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case RELU -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) relu(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case GELU_ERF -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) geluErf(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case GELU_TANH -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) geluTanh(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case SILU -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) silu(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case ERF -> (s, f, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) erf(fromArray(FLOAT, s, f + i)).intoArray(d, t + i);
            };
            case SIN, COS -> throw noVectorForm(op);
        };
    }

    /** The vector loop of op's backward: {@code dst[to + i] = op'(src[from + i]) · grad[at + i]}, one loop per op. */
    static BackwardLoop backward(UnaryOp op) {
        return switch (op) {
            case NEG -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) negDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case ABS -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) absDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case EXP -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) Transcendentals.exp(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case LOG -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) reciprocal(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case RECIPROCAL -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) reciprocalDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case SQRT -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) sqrtDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case RSQRT -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) rsqrtDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case SQUARE -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) squareDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case TANH -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) tanhDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case SIGMOID -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) sigmoidDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case RELU -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) reluDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case GELU_ERF -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) geluErfDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case GELU_TANH -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) geluTanhDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case SILU -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) siluDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case ERF -> (s, f, g, a, d, t, n) -> {
                for (int i = 0; i < n; i += LANES) erfDerivative(fromArray(FLOAT, s, f + i))
                        .mul(fromArray(FLOAT, g, a + i)).intoArray(d, t + i);
            };
            case SIN, COS -> throw noVectorForm(op);
        };
    }

    private static FloatVector rsqrt(FloatVector x) {
        return x.broadcast(1f).div(x.sqrt());
    }

    private static FloatVector reciprocal(FloatVector x) {
        return x.broadcast(1f).div(x);
    }

    private static FloatVector square(FloatVector x) {
        return x.mul(x);
    }

    private static FloatVector silu(FloatVector x) {
        return x.mul(sigmoid(x));
    }

    private static FloatVector negDerivative(FloatVector x) {
        return x.broadcast(-1f);
    }

    /** d√x/dx = 1 / (2√x). */
    private static FloatVector sqrtDerivative(FloatVector x) {
        return x.broadcast(0.5f).div(x.sqrt());
    }

    /** d(x^-1/2)/dx = -1 / (2·x·√x). */
    private static FloatVector rsqrtDerivative(FloatVector x) {
        return x.broadcast(-0.5f).div(x.mul(x.sqrt()));
    }

    private static FloatVector squareDerivative(FloatVector x) {
        return x.add(x);
    }

    /** d erf(x)/dx = 2/√π · e^(-x²). */
    private static FloatVector erfDerivative(FloatVector x) {
        return Transcendentals.exp(x.mul(x).neg()).mul(TWO_OVER_SQRT_PI);
    }

    /** max(x, 0) except that NaN stays NaN: zeros replace only the lanes where x &lt;= 0. */
    private static FloatVector relu(FloatVector x) {
        return x.blend(0f, x.compare(VectorOperators.LE, 0f));
    }

    /** x·Φ(x) = x/2 · (1 + erf(x/√2)). */
    private static FloatVector geluErf(FloatVector x) {
        return x.mul(0.5f).mul(erf(x.mul(SQRT_HALF)).add(1f));
    }

    /** x/2 · (1 + tanh(√(2/π) · (x + 0.044715·x³))). */
    private static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(0.044715f).add(1f).mul(x).mul(SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(Transcendentals.tanh(inner).add(1f));
    }

    /** sign(x), and NaN for NaN. */
    private static FloatVector absDerivative(FloatVector x) {
        return x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, 0f))
                .blend(-1f, x.compare(VectorOperators.LT, 0f)).blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** d(1/x)/dx = -1/x². */
    private static FloatVector reciprocalDerivative(FloatVector x) {
        FloatVector inverse = x.broadcast(1f).div(x);
        return inverse.mul(inverse).neg();
    }

    /** 1 - tanh²(x). */
    private static FloatVector tanhDerivative(FloatVector x) {
        FloatVector t = Transcendentals.tanh(x);
        return t.neg().fma(t, x.broadcast(1f));
    }

    /** σ(x)·(1 - σ(x)). */
    private static FloatVector sigmoidDerivative(FloatVector x) {
        FloatVector s = sigmoid(x);
        return s.sub(s.mul(s));
    }

    /** 1 for x &gt; 0, else 0, and NaN for NaN. */
    private static FloatVector reluDerivative(FloatVector x) {
        return x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, 0f)).blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** Φ(x) + x·φ(x), φ the standard normal density. */
    private static FloatVector geluErfDerivative(FloatVector x) {
        // One exponential serves both terms: with z = x/√2, e^(-z²) is erf's factor and √(2π)·φ(x).
        FloatVector z = x.mul(SQRT_HALF);
        FloatVector gauss = Transcendentals.exp(z.mul(z).neg());
        FloatVector cdf = erf(z, gauss).add(1f).mul(0.5f);
        return x.fma(gauss.mul(INV_SQRT_2PI), cdf);
    }

    /** With u = √(2/π)(x + 0.044715x³) and t = tanh u: (1 + t)/2 + x/2 · (1 - t²) · du/dx. */
    private static FloatVector geluTanhDerivative(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector t = Transcendentals.tanh(x2.mul(0.044715f).add(1f).mul(x).mul(SQRT_2_OVER_PI));
        FloatVector slope = x2.mul(3 * 0.044715f).add(1f).mul(SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(t.neg().fma(t, x.broadcast(1f))).fma(slope, t.add(1f).mul(0.5f));
    }

    /** σ(x)·(1 + x·(1 - σ(x))). */
    private static FloatVector siluDerivative(FloatVector x) {
        FloatVector s = sigmoid(x);
        return s.mul(x.mul(s.neg().add(1f)).add(1f));
    }

    private static IllegalArgumentException noVectorForm(UnaryOp op) {
        return new IllegalArgumentException(op + " has no vector form; check VectorMath.vectorizes first");
    }

    /** 1 / (1 + e^-x); for x → -inf e^-x overflows to inf and the result is the correct 0. */
    static FloatVector sigmoid(FloatVector x) {
        return x.broadcast(1f).div(Transcendentals.exp(x.neg()).add(1f));
    }

    /**
     * erf by Abramowitz &amp; Stegun 7.1.26: erf(|x|) ≈ 1 - (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(-x²),
     * t = 1/(1 + p|x|), absolute error ≤ 1.5e-7 (the same approximation PyTorch vectorises).
     */
    static FloatVector erf(FloatVector x) {
        return erf(x, Transcendentals.exp(x.mul(x).neg()));
    }

    /** {@link #erf(FloatVector)} given {@code gauss} = e^(-x²). */
    private static FloatVector erf(FloatVector x, FloatVector gauss) {
        FloatVector ax = x.abs();
        FloatVector t = ax.broadcast(1f).div(ax.mul(0.3275911f).add(1f));
        FloatVector poly = t.mul(1.061405429f).add(-1.453152027f)
                .fma(t, t.broadcast(1.421413741f))
                .fma(t, t.broadcast(-0.284496736f))
                .fma(t, t.broadcast(0.254829592f))
                .mul(t);
        FloatVector y = poly.mul(gauss).neg().add(1f);
        // copysign(y, x); NaN inputs stay NaN through t.
        return y.lanewise(VectorOperators.NEG, x.compare(VectorOperators.LT, 0f));
    }
}
