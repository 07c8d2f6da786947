package dev.cortado.autograd;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;

/**
 * Differentiable reductions over any set of dims ({@code dims} empty = all dims, negatives allowed).
 * Backward first brings the output gradient back to the keep-dim shape, then broadcasts it over the
 * reduced dims with the op's local derivative.
 */
public final class ReductionOps {
    private static final int[] ALL = {};

    private ReductionOps() {
    }

    /** Σ over all elements. */
    public static Variable sum(Variable x) {
        return sum(x, ALL, false);
    }

    /** Σ over {@code dims}; d/dx = 1, so the gradient is g broadcast back. */
    public static Variable sum(Variable x, int[] dims, boolean keepDim) {
        Tensor out = Reductions.sum(x.data(), dims, keepDim);
        int[] inShape = x.shape();
        int[] kept = keptShape(inShape, dims);
        return Node.record("sum", out, new Tensor[0],
                g -> new Tensor[] {g.reshape(kept).expand(inShape)}, x);
    }

    /** The mean over all elements. */
    public static Variable mean(Variable x) {
        return mean(x, ALL, false);
    }

    /** The mean over {@code dims}; d/dx = 1/count. */
    public static Variable mean(Variable x, int[] dims, boolean keepDim) {
        Tensor out = Reductions.mean(x.data(), dims, keepDim);
        int[] inShape = x.shape();
        int[] kept = keptShape(inShape, dims);
        float count = (float) x.data().numel() / Math.max(1, product(kept));
        return Node.record("mean", out, new Tensor[0],
                g -> new Tensor[] {Elementwise.div(g.reshape(kept), count).expand(inShape)}, x);
    }

    /**
     * Variance with Bessel-style {@code correction} (1 = unbiased, 0 = population):
     * var = Σ(x - μ)² / (n - correction), so d/dx = 2(x - μ)/(n - correction).
     */
    public static Variable var(Variable x, int[] dims, int correction, boolean keepDim) {
        Tensor in = x.data();
        Tensor out = Reductions.var(in, dims, correction, keepDim);
        int[] kept = keptShape(in.shape(), dims);
        float count = (float) in.numel() / Math.max(1, product(kept));
        return Node.record("var", out, new Tensor[] {in}, g -> {
            Tensor centred = Elementwise.sub(in, Reductions.mean(in, dims, true));
            Tensor scale = Elementwise.div(g.reshape(kept), (count - correction) / 2f);
            return new Tensor[] {Elementwise.mul(centred, scale)};
        }, x);
    }

    /** The maximum over {@code dims}; the gradient is shared evenly among the elements equal to it. */
    public static Variable max(Variable x, int[] dims, boolean keepDim) {
        return extremum("max", x, Reductions.max(x.data(), dims, true), dims, keepDim);
    }

    /** The minimum over {@code dims}; the gradient is shared evenly among the elements equal to it. */
    public static Variable min(Variable x, int[] dims, boolean keepDim) {
        return extremum("min", x, Reductions.min(x.data(), dims, true), dims, keepDim);
    }

    private static Variable extremum(String op, Variable x, Tensor keptResult, int[] dims, boolean keepDim) {
        Tensor in = x.data();
        int[] kept = keptResult.shape();
        Tensor out = keepDim ? keptResult : keptResult.reshape(reducedShape(in.shape(), dims));
        // keptResult is (a view of) the output: saved so that changing the output in place fails backward.
        return Node.record(op, out, new Tensor[] {in, keptResult}, g -> {
            Tensor hits = Elementwise.eq(in, keptResult).to(DType.FLOAT32);
            Tensor share = Elementwise.div(g.reshape(kept), Reductions.sum(hits, dims, true));
            return new Tensor[] {Elementwise.mul(hits, share)};
        }, x);
    }

    /** log Σ exp over {@code dims}; d/dx = exp(x - logsumexp) = softmax over those dims. */
    public static Variable logsumexp(Variable x, int[] dims, boolean keepDim) {
        Tensor in = x.data();
        Tensor keptResult = Reductions.logsumexp(in, dims, true);
        int[] kept = keptResult.shape();
        Tensor out = keepDim ? keptResult : keptResult.reshape(reducedShape(in.shape(), dims));
        return Node.record("logsumexp", out, new Tensor[] {in, keptResult}, g -> {
            Tensor weights = Elementwise.exp(Elementwise.sub(in, keptResult));
            return new Tensor[] {Elementwise.mul(weights, g.reshape(kept))};
        }, x);
    }

    /** {@code shape} with the reduced dims set to 1 (all of them when {@code dims} is empty). */
    static int[] keptShape(int[] shape, int[] dims) {
        int[] kept = shape.clone();
        if (dims.length == 0) {
            java.util.Arrays.fill(kept, 1);
        }
        for (int dim : dims) {
            kept[dim < 0 ? dim + shape.length : dim] = 1;
        }
        return kept;
    }

    /** {@code shape} with the reduced dims removed. */
    private static int[] reducedShape(int[] shape, int[] dims) {
        int[] kept = keptShape(shape, dims);
        boolean[] reduced = new boolean[shape.length];
        for (int d = 0; d < shape.length; d++) {
            reduced[d] = dims.length == 0;
        }
        for (int dim : dims) {
            reduced[dim < 0 ? dim + shape.length : dim] = true;
        }
        return java.util.stream.IntStream.range(0, shape.length).filter(d -> !reduced[d]).map(d -> kept[d]).toArray();
    }

    private static int product(int[] shape) {
        int p = 1;
        for (int s : shape) {
            p *= s;
        }
        return p;
    }
}
