package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Elementwise float kernels: binary ops with NumPy broadcasting, unary ops and their local backward. The op is
 * an int code (the constants below; {@code dev.cortado.tornado.graphs.OpCodes} maps tensor-core's enums to
 * them) read from an argument buffer, so one compiled kernel per size serves every op.
 */
public final class ElementwiseKernels {
    // Binary op codes.
    public static final int ADD = 0;
    public static final int SUB = 1;
    public static final int MUL = 2;
    public static final int DIV = 3;
    public static final int POW = 4;
    public static final int MAXIMUM = 5;
    public static final int MINIMUM = 6;

    // Unary op codes.
    public static final int NEG = 0;
    public static final int ABS = 1;
    public static final int EXP = 2;
    public static final int LOG = 3;
    public static final int SQRT = 4;
    public static final int RSQRT = 5;
    public static final int RECIPROCAL = 6;
    public static final int SQUARE = 7;
    public static final int TANH = 8;
    public static final int SIGMOID = 9;
    public static final int RELU = 10;
    public static final int GELU_ERF = 11;
    public static final int GELU_TANH = 12;
    public static final int SILU = 13;
    public static final int SIN = 14;
    public static final int COS = 15;
    public static final int ERF = 16;

    /** Most dims a broadcast binary op takes on the device (shapes are padded with leading 1s to this). */
    public static final int MAX_RANK = 6;
    /** Slot of the op code in {@link #binary}'s layout, after the sizes and the two operands' strides. */
    public static final int BINARY_OP_SLOT = 3 * MAX_RANK;
    public static final int BINARY_LAYOUT_SLOTS = 3 * MAX_RANK + 1;

    private ElementwiseKernels() {
    }

    /**
     * {@code out[i] = op(a[ia], b[ib])} over out's row-major positions i. {@code layout} holds out's sizes
     * ({@link #MAX_RANK} slots, leading 1s), then a's strides, then b's (0 along broadcast dims), so each
     * operand is its compact data, never expanded on the host; then the op code.
     */
    public static void binary(FloatArray a, FloatArray b, FloatArray out, IntArray layout) {
        int op = layout.get(BINARY_OP_SLOT);
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            int rest = i;
            int ia = 0;
            int ib = 0;
            for (int d = MAX_RANK - 1; d >= 0; d--) {
                int size = layout.get(d);
                int index = rest % size;
                rest = rest / size;
                ia += index * layout.get(MAX_RANK + d);
                ib += index * layout.get(2 * MAX_RANK + d);
            }
            out.set(i, binaryOp(op, a.get(ia), b.get(ib)));
        }
    }

    /** {@code out[i] = op(x[i])} with {@code op} the code in {@code opCode[0]}. */
    public static void unary(FloatArray x, FloatArray out, IntArray opCode) {
        int op = opCode.get(0);
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            out.set(i, unaryOp(op, x.get(i)));
        }
    }

    /** {@code gradIn[i] = gradOut[i] · op'(x[i])}, the local backward of {@link #unary}. */
    public static void unaryBackward(FloatArray x, FloatArray gradOut, FloatArray gradIn, IntArray opCode) {
        int op = opCode.get(0);
        for (@Parallel int i = 0; i < gradIn.getSize(); i++) {
            gradIn.set(i, gradOut.get(i) * derivative(op, x.get(i)));
        }
    }

    public static float binaryOp(int op, float a, float b) {
        if (op == ADD) {
            return a + b;
        } else if (op == SUB) {
            return a - b;
        } else if (op == MUL) {
            return a * b;
        } else if (op == DIV) {
            return a / b;
        } else if (op == POW) {
            // C99 and PyTorch: pow(1, y) = 1 even for NaN y.
            return a == 1f ? 1f : TornadoMath.pow(a, b);
        } else if (op == MAXIMUM) {
            return DeviceMath.maximum(a, b);
        }
        return DeviceMath.minimum(a, b);
    }

    public static float unaryOp(int op, float x) {
        if (op == NEG) {
            return -x;
        } else if (op == ABS) {
            return TornadoMath.abs(x);
        } else if (op == EXP) {
            return TornadoMath.exp(x);
        } else if (op == LOG) {
            return TornadoMath.log(x);
        } else if (op == SQRT) {
            return TornadoMath.sqrt(x);
        } else if (op == RSQRT) {
            return 1f / TornadoMath.sqrt(x);
        } else if (op == RECIPROCAL) {
            return 1f / x;
        } else if (op == SQUARE) {
            return x * x;
        } else if (op == TANH) {
            return TornadoMath.tanh(x);
        } else if (op == SIGMOID) {
            return DeviceMath.sigmoid(x);
        } else if (op == RELU) {
            // x > 0 is false for NaN, which must stay NaN.
            return x > 0f || DeviceMath.isNaN(x) ? x : 0f;
        } else if (op == GELU_ERF) {
            return DeviceMath.geluErf(x);
        } else if (op == GELU_TANH) {
            return 0.5f * x * (1f + DeviceMath.geluTanhInner(x));
        } else if (op == SILU) {
            return x * DeviceMath.sigmoid(x);
        } else if (op == SIN) {
            return TornadoMath.sin(x);
        } else if (op == COS) {
            return TornadoMath.cos(x);
        }
        return DeviceMath.erf(x);
    }

    /** d op(x)/dx, as the reference backend's ScalarMath.derivative (RELU' = 1 only for x &gt; 0; ABS' = sign). */
    public static float derivative(int op, float x) {
        if (op == NEG) {
            return -1f;
        } else if (op == ABS) {
            return x > 0f ? 1f : (x < 0f ? -1f : (DeviceMath.isNaN(x) ? x : 0f));
        } else if (op == EXP) {
            return TornadoMath.exp(x);
        } else if (op == LOG) {
            return 1f / x;
        } else if (op == SQRT) {
            return 0.5f / TornadoMath.sqrt(x);
        } else if (op == RSQRT) {
            return -0.5f / (x * TornadoMath.sqrt(x));
        } else if (op == RECIPROCAL) {
            return -1f / (x * x);
        } else if (op == SQUARE) {
            return 2f * x;
        } else if (op == TANH) {
            float t = TornadoMath.tanh(x);
            return 1f - t * t;
        } else if (op == SIGMOID) {
            float s = DeviceMath.sigmoid(x);
            return s * (1f - s);
        } else if (op == RELU) {
            return x > 0f ? 1f : (DeviceMath.isNaN(x) ? x : 0f);
        } else if (op == GELU_ERF) {
            return DeviceMath.geluErfDerivative(x);
        } else if (op == GELU_TANH) {
            return DeviceMath.geluTanhDerivative(x);
        } else if (op == SILU) {
            float s = DeviceMath.sigmoid(x);
            return s * (1f + x * (1f - s));
        } else if (op == SIN) {
            return TornadoMath.cos(x);
        } else if (op == COS) {
            return -TornadoMath.sin(x);
        }
        return 1.12837917f * TornadoMath.exp(-x * x);
    }
}
