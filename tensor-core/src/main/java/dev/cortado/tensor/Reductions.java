package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.ReduceOp;
import java.util.Arrays;

/**
 * Reductions of float32 tensors over any set of dims. {@code dims} may be negative; an empty array means
 * all dims. With {@code keepDim} the reduced dims stay as size 1 (so the result broadcasts against the
 * input), otherwise they are removed.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(0, 8, 16);
 * Tensor rowMeans = Reductions.mean(x, new int[] {1}, true);        // [8, 1]
 * Tensor total = Reductions.sum(x);                                 // 0-d
 * }</pre>
 */
public final class Reductions {
    private Reductions() {
    }

    /** The input arranged as [kept…, reduced…] plus the output shape. */
    private record Plan(Tensor view, int reducedDims, int reducedCount, int[] outShape) {
    }

    private static Plan plan(String op, Tensor x, int[] dims, boolean keepDim) {
        x.requireDType(op, DType.FLOAT32);
        int rank = x.dim();
        boolean[] reduced = new boolean[rank];
        if (dims.length == 0) {
            Arrays.fill(reduced, true);
        }
        for (int dim : dims) {
            int d = Shapes.normalizeDim(op, dim, rank);
            if (rank > 0 && reduced[d]) {
                throw new IllegalArgumentException(op + ": dim " + d + " appears twice in " + Shapes.str(dims));
            }
            if (rank > 0) {
                reduced[d] = true;
            }
        }
        int[] order = new int[rank];
        int reducedDims = 0;
        int next = 0;
        for (int d = 0; d < rank; d++) {
            if (!reduced[d]) {
                order[next++] = d;
            }
        }
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                order[next++] = d;
                reducedDims++;
            }
        }
        int[] shape = x.shape();
        int[] outShape = new int[keepDim ? rank : rank - reducedDims];
        int reducedCount = 1;
        for (int d = 0, o = 0; d < rank; d++) {
            if (reduced[d]) {
                reducedCount *= shape[d];
                if (keepDim) {
                    outShape[o++] = 1;
                }
            } else {
                outShape[o++] = shape[d];
            }
        }
        return new Plan(x.permute(order), reducedDims, reducedCount, outShape);
    }

    private static Tensor reduce(ReduceOp op, String name, Tensor x, int[] dims, boolean keepDim) {
        Plan plan = plan(name, x, dims, keepDim);
        if ((op == ReduceOp.MAX || op == ReduceOp.MIN) && plan.reducedCount() == 0) {
            throw new IllegalArgumentException(name + ": cannot reduce over a zero-size dim of shape "
                    + Shapes.str(x.shape()) + " (no identity for " + name + ")");
        }
        Tensor out = Tensor.zeros(plan.outShape());
        Backends.current().reduce(op, plan.view(), plan.reducedDims(), out);
        return out;
    }

    public static Tensor sum(Tensor x) {
        return sum(x, new int[0], false);
    }

    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        return reduce(ReduceOp.SUM, "sum", x, dims, keepDim);
    }

    /** Arithmetic mean; NaN over zero elements. */
    public static Tensor mean(Tensor x) {
        return mean(x, new int[0], false);
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        return reduce(ReduceOp.MEAN, "mean", x, dims, keepDim);
    }

    /** Largest value; NaN if any value is NaN. */
    public static Tensor max(Tensor x) {
        return max(x, new int[0], false);
    }

    public static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        return reduce(ReduceOp.MAX, "max", x, dims, keepDim);
    }

    /** Smallest value; NaN if any value is NaN. */
    public static Tensor min(Tensor x) {
        return min(x, new int[0], false);
    }

    public static Tensor min(Tensor x, int[] dims, boolean keepDim) {
        return reduce(ReduceOp.MIN, "min", x, dims, keepDim);
    }

    /** log Σ exp(x), stable for large values (m + log Σ exp(x − m)). */
    public static Tensor logsumexp(Tensor x, int[] dims, boolean keepDim) {
        return reduce(ReduceOp.LOGSUMEXP, "logsumexp", x, dims, keepDim);
    }

    /**
     * Variance Σ(x − mean)² / (n − correction): correction 1 is the unbiased estimate (PyTorch's default),
     * 0 the population variance.
     */
    public static Tensor var(Tensor x, int[] dims, int correction, boolean keepDim) {
        if (correction < 0) {
            throw new IllegalArgumentException("var: correction must be >= 0, got " + correction);
        }
        Plan plan = plan("var", x, dims, keepDim);
        Tensor out = Tensor.zeros(plan.outShape());
        Backends.current().variance(plan.view(), plan.reducedDims(), correction, out);
        return out;
    }

    /** Flat (row-major) index of the largest value; the first one on ties, the first NaN if any. */
    public static Tensor argmax(Tensor x) {
        return argReduce("argmax", true, x.reshape(x.numel()), 0, false);
    }

    /** Index along {@code dim} of the largest value (INT64). */
    public static Tensor argmax(Tensor x, int dim, boolean keepDim) {
        return argReduce("argmax", true, x, dim, keepDim);
    }

    /** Flat (row-major) index of the smallest value; the first one on ties, the first NaN if any. */
    public static Tensor argmin(Tensor x) {
        return argReduce("argmin", false, x.reshape(x.numel()), 0, false);
    }

    /** Index along {@code dim} of the smallest value (INT64). */
    public static Tensor argmin(Tensor x, int dim, boolean keepDim) {
        return argReduce("argmin", false, x, dim, keepDim);
    }

    private static Tensor argReduce(String name, boolean max, Tensor x, int dim, boolean keepDim) {
        Plan plan = plan(name, x, new int[] {dim}, keepDim);
        if (plan.reducedCount() == 0) {
            throw new IllegalArgumentException(name + ": cannot reduce over a zero-size dim of shape "
                    + Shapes.str(x.shape()));
        }
        Tensor out = Tensor.empty(DType.INT64, plan.outShape());
        Backends.current().argReduce(max, plan.view(), plan.reducedDims(), out);
        return out;
    }
}
