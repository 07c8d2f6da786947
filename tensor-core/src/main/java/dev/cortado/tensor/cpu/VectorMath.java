package dev.cortado.tensor.cpu;

import dev.cortado.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector forms of the unary ops; each agrees with {@code ScalarMath.unary} to float rounding error and gives
 * the same bits in every JIT tier (see {@link Transcendentals}). SIN and COS have none: Java has no
 * tier-independent vector sine, so the kernels run them lane by lane through {@link Math#sin}/{@link Math#cos}.
 */
final class VectorMath {
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    private static final float TWO_OVER_SQRT_PI = (float) (2 / Math.sqrt(Math.PI));

    private VectorMath() {
    }

    /** Whether op has a vector form here ({@link #apply} and {@link #derivative} accept it). */
    static boolean vectorizes(UnaryOp op) {
        return op != UnaryOp.SIN && op != UnaryOp.COS;
    }

    static FloatVector apply(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case ABS -> x.abs();
            case EXP -> Transcendentals.exp(x);
            case LOG -> Transcendentals.log(x);
            case SQRT -> x.sqrt();
            case RSQRT -> x.broadcast(1f).div(x.sqrt());
            case RECIPROCAL -> x.broadcast(1f).div(x);
            case SQUARE -> x.mul(x);
            case TANH -> Transcendentals.tanh(x);
            case SIGMOID -> sigmoid(x);
            // max(x, 0) except that NaN stays NaN: zeros replace only the lanes where x <= 0.
            case RELU -> x.blend(0f, x.compare(VectorOperators.LE, 0f));
            case GELU_ERF -> x.mul(0.5f).mul(erf(x.mul(SQRT_HALF)).add(1f));
            case GELU_TANH -> {
                FloatVector inner = x.mul(x).mul(0.044715f).add(1f).mul(x).mul(SQRT_2_OVER_PI);
                yield x.mul(0.5f).mul(Transcendentals.tanh(inner).add(1f));
            }
            case SILU -> x.mul(sigmoid(x));
            case ERF -> erf(x);
            case SIN, COS -> throw noVectorForm(op);
        };
    }

    /** op'(x) lane by lane, the same formulas as {@code ScalarMath.derivative}. */
    static FloatVector derivative(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.broadcast(-1f);
            case ABS -> x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, 0f))
                    .blend(-1f, x.compare(VectorOperators.LT, 0f)).blend(x, x.test(VectorOperators.IS_NAN));
            case EXP -> Transcendentals.exp(x);
            case LOG, RECIPROCAL -> {
                FloatVector inverse = x.broadcast(1f).div(x);
                yield op == UnaryOp.LOG ? inverse : inverse.mul(inverse).neg();
            }
            case SQRT -> x.broadcast(0.5f).div(x.sqrt());
            case RSQRT -> x.broadcast(-0.5f).div(x.mul(x.sqrt()));
            case SQUARE -> x.add(x);
            case TANH -> {
                FloatVector t = Transcendentals.tanh(x);
                yield t.neg().fma(t, x.broadcast(1f));
            }
            case SIGMOID -> {
                FloatVector s = sigmoid(x);
                yield s.sub(s.mul(s));
            }
            case RELU -> x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, 0f)).blend(x, x.test(VectorOperators.IS_NAN));
            case GELU_ERF -> {
                FloatVector cdf = erf(x.mul(SQRT_HALF)).add(1f).mul(0.5f);
                FloatVector pdf = Transcendentals.exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
                yield x.fma(pdf, cdf);
            }
            case GELU_TANH -> {
                FloatVector x2 = x.mul(x);
                FloatVector t = Transcendentals.tanh(x2.mul(0.044715f).add(1f).mul(x).mul(SQRT_2_OVER_PI));
                FloatVector slope = x2.mul(3 * 0.044715f).add(1f).mul(SQRT_2_OVER_PI);
                yield x.mul(0.5f).mul(t.neg().fma(t, x.broadcast(1f))).fma(slope, t.add(1f).mul(0.5f));
            }
            case SILU -> {
                FloatVector s = sigmoid(x);
                yield s.mul(x.mul(s.neg().add(1f)).add(1f));
            }
            case ERF -> Transcendentals.exp(x.mul(x).neg()).mul(TWO_OVER_SQRT_PI);
            case SIN, COS -> throw noVectorForm(op);
        };
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
        FloatVector ax = x.abs();
        FloatVector t = ax.broadcast(1f).div(ax.mul(0.3275911f).add(1f));
        FloatVector poly = t.mul(1.061405429f).add(-1.453152027f)
                .fma(t, t.broadcast(1.421413741f))
                .fma(t, t.broadcast(-0.284496736f))
                .fma(t, t.broadcast(0.254829592f))
                .mul(t);
        FloatVector y = poly.mul(Transcendentals.exp(ax.mul(ax).neg())).neg().add(1f);
        // copysign(y, x); NaN inputs stay NaN through t.
        return y.lanewise(VectorOperators.NEG, x.compare(VectorOperators.LT, 0f));
    }
}
