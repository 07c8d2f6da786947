package dev.cortado.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, log and tanh on float vectors, built only from operations IEEE 754 rounds exactly (add, multiply,
 * fused multiply-add, divide, comparisons, blends and bit manipulation), so every lane's result is the
 * same bits however the code runs.
 *
 * <p>Why not {@code VectorOperators.EXP}: once C2 compiles a loop, the Vector API's EXP, LOG, TANH, SIN,
 * COS and POW call Intel's SVML routines, while interpreted and C1 code runs the Java fallback, which
 * calls {@link Math#exp} per lane. The two differ in the last bit, and which one a call gets depends on
 * when the JIT finished compiling it, so the same seed gave different training runs from process to
 * process. These functions give one answer in every tier.
 *
 * <p>The polynomials are Cephes' single-precision ones (S. L. Moshier, <i>Methods and Programs for
 * Mathematical Functions</i>, 1989: expf, logf, tanhf), evaluated with FMA: about 1 ulp from the exact
 * result ({@code TranscendentalsTest} bounds the error over the whole float range).
 */
final class Transcendentals {
    /** exp overflows to +inf above this; 88.8 > ln(Float.MAX_VALUE) ≈ 88.72. */
    private static final float EXP_HIGH = 88.8f;
    /** exp rounds to 0 below this; e^-104 < 2^-150, half the smallest subnormal. */
    private static final float EXP_LOW = -104f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two: {@code LN2_HI} has few mantissa bits, so n·LN2_HI is exact for |n| ≤ 256. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /**
     * 1.5·2²³: adding it to |t| < 2²² rounds t to the nearest integer (ties to even), which then sits in the
     * low mantissa bits: {@code bits(t + ROUNDER) - bits(ROUNDER) = round(t)}.
     */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    private static final float SQRT_HALF = 0.707106781186547524f;
    /** Below 0.625 tanh comes from its odd polynomial; above, from exp (no cancellation there). */
    private static final float TANH_POLY_LIMIT = 0.625f;
    private static final float TWO_POW_23 = 8388608f;

    private Transcendentals() {
    }

    /**
     * e^x: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r ≈ 1 + r + r²·P(r), then scaled by 2ⁿ in two halves
     * (2^⌊n/2⌋·2^(n−⌊n/2⌋)) so that results down into the subnormals and up to overflow come out right.
     * NaN stays NaN, +inf gives +inf and -inf gives 0.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(EXP_LOW).min(EXP_HIGH);
        FloatVector shifted = clamped.fma(LOG2E, ROUNDER);
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = n.fma(n.broadcast(-LN2_LO), n.fma(n.broadcast(-LN2_HI), clamped));
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f)
                .fma(r, r.broadcast(8.3334519073e-3f))
                .fma(r, r.broadcast(4.1665795894e-2f))
                .fma(r, r.broadcast(1.6666665459e-1f))
                .fma(r, r.broadcast(5.0000001201e-1f));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        // 2^n as 2^h · 2^(n−h), h = ⌊n/2⌋, each factor built in its exponent field ((k + 127) << 23). (Written
        // out rather than as a helper: C2 may decline to inline a helper in a large caller such as GELU, and a
        // vector crossing a real call is boxed.)
        IntVector exponent = shifted.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector half = exponent.lanewise(VectorOperators.ASHR, 1);
        FloatVector scaleLow = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scaleHigh = exponent.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return er.mul(scaleLow).mul(scaleHigh);
    }

    /**
     * ln x: x = m·2ᵉ with m in [√½, √2), f = m − 1, ln x ≈ f − f²/2 + f³·P(f) + e·ln 2. Subnormal x is
     * first scaled by 2²³. ln 0 = -inf, ln of a negative number or NaN is NaN, ln +inf = +inf.
     */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector scaled = x.blend(x.mul(TWO_POW_23), subnormal);
        IntVector bits = scaled.reinterpretAsInts();
        // m in [0.5, 1) with x = m·2^e (frexp), e unbiased.
        FloatVector m = bits.and(0x007FFFFF).or(0x3F000000).reinterpretAsFloats();
        FloatVector e = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(126)
                .convert(VectorOperators.I2F, 0);
        e = e.sub(e.broadcast(23f).blend(0f, subnormal.not()));
        // Move m into [√½, √2): below √½ double it and take one off the exponent.
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        FloatVector f = m.add(m.blend(0f, low.not())).sub(1f);
        e = e.sub(e.broadcast(1f).blend(0f, low.not()));
        FloatVector z = f.mul(f);
        FloatVector p = f.fma(7.0376836292e-2f, -1.1514610310e-1f)
                .fma(f, f.broadcast(1.1676998740e-1f))
                .fma(f, f.broadcast(-1.2420140846e-1f))
                .fma(f, f.broadcast(1.4249322787e-1f))
                .fma(f, f.broadcast(-1.6668057665e-1f))
                .fma(f, f.broadcast(2.0000714765e-1f))
                .fma(f, f.broadcast(-2.4999993993e-1f))
                .fma(f, f.broadcast(3.3333331174e-1f));
        FloatVector y = p.mul(f).mul(z).add(e.mul(LN2_LO)).add(z.mul(-0.5f));
        FloatVector result = f.add(y).add(e.mul(LN2_HI));
        return result.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f))
                .blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY))
                .blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN)));
    }

    /**
     * tanh x: for |x| < 0.625 the odd polynomial x + x³·P(x²); above, 1 − 2/(e^{2|x|} + 1) with x's sign
     * (which reaches ±1 as e^{2|x|} overflows). tanh(±0) = ±0; NaN stays NaN.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector viaExp = ax.broadcast(1f).sub(ax.broadcast(2f).div(exp(ax.add(ax)).add(1f)))
                .lanewise(VectorOperators.NEG, x.compare(VectorOperators.LT, 0f));
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(-5.70498872745e-3f, 2.06390887954e-2f)
                .fma(z, z.broadcast(-5.37397155531e-2f))
                .fma(z, z.broadcast(1.33314422036e-1f))
                .fma(z, z.broadcast(-3.33332819422e-1f));
        // x + x·z·P(z) turns -0 into +0; tanh(±0) = ±0 is blended back in.
        FloatVector viaPolynomial = p.mul(z).fma(x, x).blend(x, x.compare(VectorOperators.EQ, 0f));
        return viaExp.blend(viaPolynomial, ax.compare(VectorOperators.LT, TANH_POLY_LIMIT));
    }
}
