package dev.cortado.models.onnx.ops;

import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongBinaryOperator;

/** Helpers shared by the op families: dtype checks, int64 arithmetic, reading small int64 inputs. */
final class Values {
    private Values() {
    }

    static List<Variable> one(Variable v) {
        return List.of(v);
    }

    static boolean isFloat(Variable v) {
        return v.data().dtype() == DType.FLOAT32;
    }

    static Variable constant(Tensor t) {
        return Variable.constant(t);
    }

    /** Input {@code i}, failing with the node's name when it is missing. */
    static Variable input(OnnxNode node, List<Variable> inputs, int i) {
        Variable v = i < inputs.size() ? inputs.get(i) : null;
        if (v == null) {
            throw new IllegalArgumentException(node.describe() + ": input " + i + " is required");
        }
        return v;
    }

    /** Input {@code i} or null when omitted. */
    static Variable optional(List<Variable> inputs, int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    static Variable requireFloat(OnnxNode node, Variable v, String what) {
        if (!isFloat(v)) {
            throw new IllegalArgumentException(node.describe() + ": " + what + " must be float, got "
                    + v.data().dtype() + " " + Shapes.str(v.shape()));
        }
        return v;
    }

    /** The values of an int64 tensor (e.g. a shape or axes input). */
    static long[] longs(OnnxNode node, Variable v, String what) {
        if (v.data().dtype() != DType.INT64) {
            throw new IllegalArgumentException(node.describe() + ": " + what + " must be int64, got "
                    + v.data().dtype() + " " + Shapes.str(v.shape()));
        }
        return v.data().toLongArray();
    }

    static int[] ints(long[] values) {
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }

    /** A scalar input (any rank with one element) as a double. */
    static double scalar(OnnxNode node, Variable v, String what) {
        Tensor t = v.data();
        if (t.numel() != 1) {
            throw new IllegalArgumentException(node.describe() + ": " + what + " must have one element, got "
                    + Shapes.str(t.shape()));
        }
        return switch (t.dtype()) {
            case FLOAT32 -> t.reshape(1).get(0);
            case INT64 -> t.reshape(1).getLong(0);
            case BOOL -> t.reshape(1).getBoolean(0) ? 1 : 0;
        };
    }

    static int normalizeAxis(OnnxNode node, long axis, int rank) {
        if (axis < -rank || axis >= Math.max(rank, 1)) {
            throw new IllegalArgumentException(node.describe() + ": axis " + axis + " out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** Elementwise {@code op(a, b)} over int64 tensors with NumPy broadcasting. */
    static Tensor longBinary(String op, Tensor a, Tensor b, LongBinaryOperator f) {
        int[] shape = Shapes.broadcast(op, a.shape(), b.shape());
        long[] x = a.expand(shape).toLongArray();
        long[] y = b.expand(shape).toLongArray();
        long[] out = new long[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsLong(x[i], y[i]);
        }
        return Tensor.fromLongs(out, shape);
    }

    /** A tensor converted to {@code type} (float → int64 truncates toward zero; bool is x != 0). */
    static Tensor convert(Tensor t, DType type) {
        return t.dtype() == type ? t : t.to(type);
    }
}
