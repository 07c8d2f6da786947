package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;

import java.util.function.UnaryOperator;

/**
 * Differentiable movement ops. Forward results are views of the input (or, for reshape of a non-viewable
 * layout, a copy); backward moves the gradient the opposite way: reshape back, apply the inverse
 * permutation, sum over expanded dims, or write into a zero tensor through the same slice.
 */
public final class ShapeOps {
    private static final Tensor[] NOTHING = {};

    private ShapeOps() {
    }

    /** The same elements in a new shape (one size may be -1); the gradient is reshaped back. */
    public static Variable reshape(Variable x, int... shape) {
        int[] inShape = x.shape();
        return Node.record("reshape", x.data().reshape(shape), NOTHING, g -> new Tensor[] {g.reshape(inShape)}, x);
    }

    /** All dims flattened into one. */
    public static Variable flatten(Variable x) {
        return reshape(x, -1);
    }

    /** Dims {@code start..end} (inclusive, negatives allowed) merged into one, as torch.flatten. */
    public static Variable flatten(Variable x, int start, int end) {
        int[] s = x.shape();
        int from = start < 0 ? start + s.length : start;
        int to = end < 0 ? end + s.length : end;
        if (from < 0 || to >= s.length || from > to) {
            throw new IllegalArgumentException("flatten: dims " + start + ".." + end + " invalid for shape "
                    + java.util.Arrays.toString(s));
        }
        int[] out = new int[s.length - (to - from)];
        int merged = 1;
        for (int d = from; d <= to; d++) {
            merged *= s[d];
        }
        System.arraycopy(s, 0, out, 0, from);
        out[from] = merged;
        System.arraycopy(s, to + 1, out, from + 1, s.length - to - 1);
        return reshape(x, out);
    }

    /** Dims reordered; the gradient goes through the inverse permutation. */
    public static Variable permute(Variable x, int... order) {
        Tensor out = x.data().permute(order);
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inverse[order[i] < 0 ? order[i] + order.length : order[i]] = i;
        }
        return Node.record("permute", out, NOTHING, g -> new Tensor[] {g.permute(inverse)}, x);
    }

    /** Two dims swapped (its own inverse). */
    public static Variable transpose(Variable x, int dim0, int dim1) {
        return Node.record("transpose", x.data().transpose(dim0, dim1), NOTHING,
                g -> new Tensor[] {g.transpose(dim0, dim1)}, x);
    }

    /** Size-1 dims broadcast to {@code shape} (stride 0); the gradient is summed over them. */
    public static Variable expand(Variable x, int... shape) {
        int[] inShape = x.shape();
        return Node.record("expand", x.data().expand(shape), NOTHING,
                g -> new Tensor[] {Grads.sumToShape(g, inShape)}, x);
    }

    /** A size-1 dim inserted at {@code dim}. */
    public static Variable unsqueeze(Variable x, int dim) {
        int[] inShape = x.shape();
        return Node.record("unsqueeze", x.data().unsqueeze(dim), NOTHING, g -> new Tensor[] {g.reshape(inShape)}, x);
    }

    /** Dim {@code dim} removed if it has size 1. */
    public static Variable squeeze(Variable x, int dim) {
        int[] inShape = x.shape();
        return Node.record("squeeze", x.data().squeeze(dim), NOTHING, g -> new Tensor[] {g.reshape(inShape)}, x);
    }

    /** Elements {@code start, start+step, …} below {@code end} along {@code dim} (a view). */
    public static Variable slice(Variable x, int dim, int start, int end, int step) {
        return sliced("slice", x, t -> t.slice(dim, start, end, step));
    }

    /** {@code length} elements from {@code start} along {@code dim} (a view). */
    public static Variable narrow(Variable x, int dim, int start, int length) {
        return sliced("narrow", x, t -> t.narrow(dim, start, length));
    }

    /** Index {@code index} of {@code dim}, that dim removed (a view). */
    public static Variable select(Variable x, int dim, int index) {
        return sliced("select", x, t -> t.select(dim, index));
    }

    /** A view op whose gradient is zero everywhere except the viewed elements, which get g. */
    private static Variable sliced(String op, Variable x, UnaryOperator<Tensor> view) {
        int[] inShape = x.shape();
        return Node.record(op, view.apply(x.data()), NOTHING, g -> {
            Tensor grad = Tensor.zeros(inShape);
            view.apply(grad).copyFrom(g);
            return new Tensor[] {grad};
        }, x);
    }

    /** A dense copy (contiguous); the gradient passes unchanged. */
    public static Variable contiguous(Variable x) {
        if (x.data().isContiguous()) {
            return x;
        }
        return Node.record("contiguous", x.data().contiguous(), NOTHING, g -> new Tensor[] {g}, x);
    }
}
