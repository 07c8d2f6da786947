package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.UnaryOp;
import java.util.Arrays;

/**
 * Elementwise ops on float32 tensors with NumPy broadcasting (shapes align on the right; a dim of size 1
 * stretches to the other operand's size). Inputs may be any strided views; results are new dense tensors.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(0, 4, 3);
 * Tensor bias = Tensor.randn(1, 3);
 * Tensor y = Elementwise.relu(Elementwise.add(x, bias));   // [4, 3] + [3] -> [4, 3]
 * }</pre>
 */
public final class Elementwise {
    private Elementwise() {
    }

    // ------------------------------------------------------------ unary

    /** {@code op} applied to every element (see {@link UnaryOp} for each definition). */
    public static Tensor unary(UnaryOp op, Tensor x) {
        requireFloat(op.name().toLowerCase(), x);
        Tensor out = Tensor.zeros(x.shape());
        Backends.current().unary(op, x, out);
        return out;
    }

    public static Tensor neg(Tensor x) {
        return unary(UnaryOp.NEG, x);
    }

    public static Tensor abs(Tensor x) {
        return unary(UnaryOp.ABS, x);
    }

    public static Tensor exp(Tensor x) {
        return unary(UnaryOp.EXP, x);
    }

    /** Natural logarithm: log(0) = -inf, log of a negative number = NaN. */
    public static Tensor log(Tensor x) {
        return unary(UnaryOp.LOG, x);
    }

    public static Tensor sqrt(Tensor x) {
        return unary(UnaryOp.SQRT, x);
    }

    /** 1/√x. */
    public static Tensor rsqrt(Tensor x) {
        return unary(UnaryOp.RSQRT, x);
    }

    public static Tensor reciprocal(Tensor x) {
        return unary(UnaryOp.RECIPROCAL, x);
    }

    public static Tensor square(Tensor x) {
        return unary(UnaryOp.SQUARE, x);
    }

    public static Tensor tanh(Tensor x) {
        return unary(UnaryOp.TANH, x);
    }

    /** 1 / (1 + e^-x). */
    public static Tensor sigmoid(Tensor x) {
        return unary(UnaryOp.SIGMOID, x);
    }

    /** max(x, 0); NaN stays NaN. */
    public static Tensor relu(Tensor x) {
        return unary(UnaryOp.RELU, x);
    }

    /** Exact GELU, x·Φ(x) = x/2·(1 + erf(x/√2)). */
    public static Tensor gelu(Tensor x) {
        return unary(UnaryOp.GELU_ERF, x);
    }

    /**
     * The gradient through a unary op in one pass: {@code gradOut · op'(x)} (see
     * {@code Backend.unaryBackward}); x and gradOut must have the same shape.
     */
    public static Tensor unaryBackward(UnaryOp op, Tensor x, Tensor gradOut) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT) + " backward";
        requireFloat(name, x);
        requireFloat(name, gradOut);
        if (!Arrays.equals(x.shape(), gradOut.shape())) {
            throw new IllegalArgumentException(name + ": input " + Shapes.str(x.shape()) + " and gradient "
                    + Shapes.str(gradOut.shape()) + " differ in shape");
        }
        Tensor gradIn = Tensor.zeros(x.shape());
        Backends.current().unaryBackward(op, x, gradOut, gradIn);
        return gradIn;
    }

    /** The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt. */
    public static Tensor erf(Tensor x) {
        return unary(UnaryOp.ERF, x);
    }

    /** Tanh-approximated GELU, x/2·(1 + tanh(√(2/π)(x + 0.044715x³))) (PyTorch's approximate='tanh'). */
    public static Tensor geluTanh(Tensor x) {
        return unary(UnaryOp.GELU_TANH, x);
    }

    /** x·sigmoid(x), also called swish. */
    public static Tensor silu(Tensor x) {
        return unary(UnaryOp.SILU, x);
    }

    public static Tensor sin(Tensor x) {
        return unary(UnaryOp.SIN, x);
    }

    public static Tensor cos(Tensor x) {
        return unary(UnaryOp.COS, x);
    }

    /** min(max(x, min), max); NaN stays NaN. Requires min ≤ max. */
    public static Tensor clamp(Tensor x, float min, float max) {
        requireFloat("clamp", x);
        if (!(min <= max)) {
            throw new IllegalArgumentException("clamp: min " + min + " must not exceed max " + max);
        }
        Tensor out = Tensor.zeros(x.shape());
        Backends.current().clamp(x, min, max, out);
        return out;
    }

    /**
     * Inverted dropout: each element kept with probability 1 − p and scaled by 1/(1 − p), else 0. The mask
     * is a function of {@code seed} and the element's row-major position only (see {@code Backend.dropout}),
     * so calling this on the gradient with the same seed applies the same mask. Requires 0 ≤ p &lt; 1.
     */
    public static Tensor dropout(Tensor x, float p, long seed) {
        requireFloat("dropout", x);
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
        }
        Tensor dense = x.contiguous();
        Tensor out = Tensor.zeros(x.shape());
        Backends.current().dropout(dense, p, seed, out);
        return out;
    }

    // ------------------------------------------------------------ binary

    /** {@code op(a, b)} with broadcasting (see {@link BinaryOp}). */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        requireFloat(name, a);
        requireFloat(name, b);
        int[] shape = Shapes.broadcast(name, a.shape(), b.shape());
        Tensor out = Tensor.zeros(shape);
        Backends.current().binary(op, a.expand(shape), b.expand(shape), out);
        return out;
    }

    public static Tensor add(Tensor a, Tensor b) {
        return binary(BinaryOp.ADD, a, b);
    }

    public static Tensor add(Tensor a, float b) {
        return binary(BinaryOp.ADD, a, Tensor.scalar(b));
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary(BinaryOp.SUB, a, b);
    }

    public static Tensor sub(Tensor a, float b) {
        return binary(BinaryOp.SUB, a, Tensor.scalar(b));
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary(BinaryOp.MUL, a, b);
    }

    public static Tensor mul(Tensor a, float b) {
        return binary(BinaryOp.MUL, a, Tensor.scalar(b));
    }

    public static Tensor div(Tensor a, Tensor b) {
        return binary(BinaryOp.DIV, a, b);
    }

    public static Tensor div(Tensor a, float b) {
        return binary(BinaryOp.DIV, a, Tensor.scalar(b));
    }

    /** a^b elementwise, as {@link Math#pow}. */
    public static Tensor pow(Tensor a, Tensor b) {
        return binary(BinaryOp.POW, a, b);
    }

    /**
     * a^exponent elementwise, as {@link Math#pow}. The common square runs as a vectorised a·a, which is the
     * same correctly rounded value Math.pow gives; other exponents go lane by lane through Math.pow.
     */
    public static Tensor pow(Tensor a, float exponent) {
        if (exponent == 2f) {
            return square(a);
        }
        return binary(BinaryOp.POW, a, Tensor.scalar(exponent));
    }

    /** Elementwise max; NaN if either is NaN. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return binary(BinaryOp.MAXIMUM, a, b);
    }

    /** Elementwise min; NaN if either is NaN. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return binary(BinaryOp.MINIMUM, a, b);
    }

    // ------------------------------------------------------------ comparisons

    /** {@code a op b} as a BOOL tensor; a and b are both float32 or both int64, broadcast together. */
    public static Tensor compare(CompareOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        if (a.dtype() != b.dtype() || a.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(name + ": need two FLOAT32 or two INT64 tensors, got " + a.dtype()
                    + " " + Shapes.str(a.shape()) + " and " + b.dtype() + " " + Shapes.str(b.shape()));
        }
        int[] shape = Shapes.broadcast(name, a.shape(), b.shape());
        Tensor out = Tensor.empty(DType.BOOL, shape);
        Backends.current().compare(op, a.expand(shape), b.expand(shape), out);
        return out;
    }

    public static Tensor eq(Tensor a, Tensor b) {
        return compare(CompareOp.EQ, a, b);
    }

    public static Tensor ne(Tensor a, Tensor b) {
        return compare(CompareOp.NE, a, b);
    }

    public static Tensor lt(Tensor a, Tensor b) {
        return compare(CompareOp.LT, a, b);
    }

    public static Tensor le(Tensor a, Tensor b) {
        return compare(CompareOp.LE, a, b);
    }

    public static Tensor gt(Tensor a, Tensor b) {
        return compare(CompareOp.GT, a, b);
    }

    public static Tensor ge(Tensor a, Tensor b) {
        return compare(CompareOp.GE, a, b);
    }

    /** {@code x op value} for a float32 x. */
    public static Tensor compare(CompareOp op, Tensor x, float value) {
        return compare(op, x, Tensor.scalar(value));
    }

    // ------------------------------------------------------------ selection

    /**
     * {@code condition ? a : b} elementwise, all three broadcast together; a and b must share a dtype
     * (the result's).
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        condition.requireDType("where (condition)", DType.BOOL);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("where: a is " + a.dtype() + " " + Shapes.str(a.shape()) + " but b is "
                    + b.dtype() + " " + Shapes.str(b.shape()));
        }
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", condition.shape(), a.shape()), b.shape());
        Tensor out = Tensor.empty(a.dtype(), shape);
        Backends.current().where(condition.expand(shape), a.expand(shape), b.expand(shape), out);
        return out;
    }

    /** x with {@code value} wherever mask is true; mask (BOOL) broadcasts to x's shape. */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        requireFloat("masked_fill", x);
        mask.requireDType("masked_fill (mask)", DType.BOOL);
        int[] shape = Shapes.broadcast("masked_fill", x.shape(), mask.shape());
        if (!Arrays.equals(shape, x.shape())) {
            throw new IllegalArgumentException("masked_fill: mask " + Shapes.str(mask.shape())
                    + " must broadcast to the input's shape " + Shapes.str(x.shape()));
        }
        return where(mask, Tensor.scalar(value), x);
    }

    private static void requireFloat(String op, Tensor x) {
        x.requireDType(op, DType.FLOAT32);
    }
}
