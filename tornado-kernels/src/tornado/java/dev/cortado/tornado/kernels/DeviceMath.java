package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.math.TornadoMath;

/**
 * Scalar float functions the kernels share, written only with what TornadoVM compiles to device code
 * (arithmetic, branches and {@link TornadoMath}); each has the meaning the reference backend gives it.
 */
public final class DeviceMath {
    private static final float SQRT_HALF = 0.70710678f;
    private static final float SQRT_2_OVER_PI = 0.79788456f;
    private static final float TWO_OVER_SQRT_PI = 1.12837917f;
    private static final float INV_SQRT_2PI = 0.39894228f;
    private static final float GELU_TANH_CUBIC = 0.044715f;

    private DeviceMath() {
    }

    public static boolean isNaN(float x) {
        return x != x;
    }

    /**
     * The error function in float. For |x| &lt; 0.5 its Maclaurin series
     * 2/√π (x − x³/3 + x⁵/10 − x⁷/42 + x⁹/216) (next term &lt; 1e-7 relative there); beyond, 1 − erfc(|x|) with
     * erfc from the Chebyshev fit of Press et al., Numerical Recipes (2nd ed., §6.2, "erfcc"; fractional error
     * &lt; 1.2e-7), where erf ≥ 0.52 so that subtraction loses no relative precision.
     */
    public static float erf(float x) {
        float ax = TornadoMath.abs(x);
        if (ax < 0.5f) {
            float x2 = x * x;
            float series = 1f + x2 * (-1f / 3f + x2 * (1f / 10f + x2 * (-1f / 42f + x2 * (1f / 216f))));
            return TWO_OVER_SQRT_PI * x * series;
        }
        float t = 1f / (1f + 0.5f * ax);
        float poly = -1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f
                + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
        float erfc = t * TornadoMath.exp(-ax * ax + poly);
        float positive = 1f - erfc;
        return x < 0f ? -positive : positive;
    }

    public static float sigmoid(float x) {
        return 1f / (1f + TornadoMath.exp(-x));
    }

    /** GELU, exact form: x·Φ(x) = x/2·(1 + erf(x/√2)). */
    public static float geluErf(float x) {
        return 0.5f * x * (1f + erf(x * SQRT_HALF));
    }

    /** The inner tanh of the tanh-approximated GELU: tanh(√(2/π)(x + 0.044715x³)). */
    public static float geluTanhInner(float x) {
        return TornadoMath.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_CUBIC * x * x * x));
    }

    /** d/dx of x·Φ(x): Φ(x) + x·φ(x). */
    public static float geluErfDerivative(float x) {
        return 0.5f * (1f + erf(x * SQRT_HALF)) + x * TornadoMath.exp(-0.5f * x * x) * INV_SQRT_2PI;
    }

    /** d/dx of the tanh GELU: (1 + t)/2 + x/2·(1 − t²)·√(2/π)(1 + 3·0.044715x²). */
    public static float geluTanhDerivative(float x) {
        float t = geluTanhInner(x);
        return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * SQRT_2_OVER_PI * (1f + 3f * GELU_TANH_CUBIC * x * x);
    }

    /** max(a, b), NaN if either is (OpenCL's fmax would return the other operand). */
    public static float maximum(float a, float b) {
        if (isNaN(a) || isNaN(b)) {
            return a + b;
        }
        return a > b ? a : b;
    }

    /** min(a, b), NaN if either is. */
    public static float minimum(float a, float b) {
        if (isNaN(a) || isNaN(b)) {
            return a + b;
        }
        return a < b ? a : b;
    }
}
