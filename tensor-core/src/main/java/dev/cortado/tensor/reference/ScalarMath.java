package dev.cortado.tensor.reference;

import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.UnaryOp;

/**
 * The scalar meaning of each elementwise op, computed in double and rounded once to float. The reference
 * backend applies these to every element; vector kernels use them for their loop tails.
 */
public final class ScalarMath {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private ScalarMath() {
    }

    public static float unary(UnaryOp op, float value) {
        double x = value;
        return (float) switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case RECIPROCAL -> 1 / x;
            case SQUARE -> x * x;
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
            case GELU_ERF -> 0.5 * x * (1 + erf(x * SQRT_HALF));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case SILU -> x / (1 + Math.exp(-x));
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case ERF -> erf(x);
        };
    }

    public static float binary(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            // C99 and PyTorch define pow(1, y) = 1 even for NaN y; Math.pow gives NaN there.
            case POW -> a == 1f ? 1f : (float) Math.pow(a, b);
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
        };
    }

    public static boolean compare(CompareOp op, double a, double b) {
        return switch (op) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
        };
    }

    /** SplittableRandom's increment for a generator made with {@code new SplittableRandom(seed)}. */
    public static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    /** The two multipliers of SplitMix64's output finaliser ("mix13"). */
    public static final long MIX_1 = 0xbf58476d1ce4e5b9L;
    public static final long MIX_2 = 0x94d049bb133111ebL;

    /**
     * The 53 random bits of the {@code index}-th (from 0) value of {@code new SplittableRandom(seed).nextDouble()}
     * (that value is these bits·2⁻⁵³), computed directly: the generator's state after n + 1 steps is
     * seed + (n + 1)·γ, and each output is the Stafford "mix13" finaliser of the state (SplitMix64, Steele et
     * al. 2014). Counter-based, so any element can be drawn independently (in parallel) and still match the stream.
     */
    public static long uniformBits(long seed, long index) {
        long z = seed + (index + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * MIX_1;
        z = (z ^ (z >>> 27)) * MIX_2;
        z ^= z >>> 31;
        return z >>> 11;
    }

    /**
     * The least m with {@code (float) (m·2⁻⁵³) >= p}: since rounding to float is monotonic, a draw is kept
     * by dropout exactly when its bits are at least this, so kernels compare integers instead of converting.
     */
    public static long keepThreshold(float p) {
        long low = 0;
        long high = 1L << 53;   // (float) 1.0 >= p for every p < 1
        while (low < high) {
            long mid = (low + high) >>> 1;
            if ((float) (mid * 0x1.0p-53) >= p) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** min(max(x, lo), hi), keeping NaN. */
    public static float clamp(float x, float lo, float hi) {
        return Math.min(Math.max(x, lo), hi);
    }

    /**
     * d op(x) / dx in double: the local derivative that {@code Backend.unaryBackward} multiplies the
     * gradient with. GELU: Φ(x) + x·φ(x); tanh GELU: (1 + t)/2 + x/2·(1 − t²)·√(2/π)(1 + 3·0.044715x²) with
     * t = tanh(√(2/π)(x + 0.044715x³)); SiLU: σ(x)(1 + x(1 − σ(x))); erf: 2/√π·e^(−x²). RELU is 1 only for
     * x &gt; 0 and ABS is sign(x) with 0 at 0, as in PyTorch.
     */
    public static double derivative(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -1;
            case ABS -> x > 0 ? 1 : x < 0 ? -1 : (Double.isNaN(x) ? x : 0);
            case EXP -> Math.exp(x);
            case LOG -> 1 / x;
            case SQRT -> 0.5 / Math.sqrt(x);
            case RSQRT -> -0.5 / (x * Math.sqrt(x));
            case RECIPROCAL -> -1 / (x * x);
            case SQUARE -> 2 * x;
            case TANH -> {
                double t = Math.tanh(x);
                yield 1 - t * t;
            }
            case SIGMOID -> {
                double s = 1 / (1 + Math.exp(-x));
                yield s * (1 - s);
            }
            case RELU -> x > 0 ? 1 : (Double.isNaN(x) ? x : 0);
            case GELU_ERF -> 0.5 * (1 + erf(x * SQRT_HALF)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            case GELU_TANH -> {
                double t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
            }
            case SILU -> {
                double s = 1 / (1 + Math.exp(-x));
                yield s * (1 + x * (1 - s));
            }
            case SIN -> Math.cos(x);
            case COS -> -Math.sin(x);
            case ERF -> 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
        };
    }

    /**
     * The error function to double precision. For |x| < 2.5 the Maclaurin series
     * erf(x) = 2/√π Σ (-1)ⁿ x^(2n+1) / (n! (2n+1)) (terms grow at most to e^(x²) ≈ 500, so ~13 digits
     * survive); beyond, erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) evaluated by
     * the modified Lentz method (Abramowitz &amp; Stegun 7.1.14).
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < 2.5) {
            double term = x;
            double sum = x;
            double x2 = x * x;
            for (int n = 1; n < 100; n++) {
                term *= -x2 / n;
                double contribution = term / (2 * n + 1);
                sum += contribution;
                if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        if (ax > 6) {
            return Math.signum(x);
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / continuedFraction(ax);
        return Math.signum(x) * (1 - erfc);
    }

    /** x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))) by the modified Lentz algorithm. */
    private static double continuedFraction(double x) {
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int k = 1; k < 200; k++) {
            double a = k / 2.0;
            d = x + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return f;
    }
}
