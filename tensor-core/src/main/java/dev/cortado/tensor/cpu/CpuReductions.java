package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.ReduceOp;
import jdk.incubator.vector.FloatVector;

/**
 * Reductions over the trailing {@code reducedDims} dims of a (permuted) view [kept…, reduced…].
 * Three layouts:
 * <ul>
 *   <li>reduced elements contiguous: a vector reduction straight over each row;</li>
 *   <li>kept elements contiguous (e.g. summing a [batch, features] tensor over the batch): vectors run
 *       along the kept dim and accumulate one reduced slice after another;</li>
 *   <li>otherwise: each row's elements are gathered into a scratch row first.</li>
 * </ul>
 */
final class CpuReductions {
    private CpuReductions() {
    }

    /**
     * Where a reduction's elements live: the start of each output row and, unless each row is one dense
     * run, the offset of each element within it.
     */
    private record Plan(int rows, int n, int[] rowStarts, int[] elementOffsets, boolean contiguousRows) {
    }

    private static Plan plan(Tensor x, int reducedDims) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        int keptRank = shape.length - reducedDims;
        int rows = 1;
        for (int d = 0; d < keptRank; d++) {
            rows *= shape[d];
        }
        int n = 1;
        for (int d = keptRank; d < shape.length; d++) {
            n *= shape[d];
        }
        int[] rowStarts = offsets(shape, strides, 0, keptRank, rows, x.offset());
        boolean contiguous = true;
        int expected = 1;
        for (int d = shape.length - 1; d >= keptRank; d--) {
            contiguous &= shape[d] == 1 || strides[d] == expected;
            expected *= shape[d];
        }
        // Per-element offsets are only needed (and only built) when a row must be gathered.
        int[] elementOffsets = contiguous ? null : offsets(shape, strides, keptRank, shape.length, n, 0);
        return new Plan(rows, n, rowStarts, elementOffsets, contiguous);
    }

    /** Storage offsets, in row-major order, of all index combinations of dims [from, to). */
    private static int[] offsets(int[] shape, int[] strides, int from, int to, int count, int base) {
        int[] result = new int[count];
        int[] index = new int[to - from];
        int at = base;
        for (int i = 0; i < count; i++) {
            result[i] = at;
            // Odometer step: bump the last dim, carrying into earlier ones.
            for (int d = to - 1; d >= from; d--) {
                int k = d - from;
                if (++index[k] < shape[d]) {
                    at += strides[d];
                    break;
                }
                at -= (shape[d] - 1) * strides[d];
                index[k] = 0;
            }
        }
        return result;
    }

    /** Runs {@code rowTask(row, array, offset)} on each output row, with the row's elements contiguous in array. */
    @FunctionalInterface
    private interface RowTask {
        void run(int row, float[] values, int offset);
    }

    private static void forEachRow(Parallel parallel, Tensor x, Plan plan, RowTask task) {
        float[] src = x.floatData();
        int n = plan.n();
        parallel.forRange(plan.rows(), Math.max(1, (1 << 14) / Math.max(n, 1)), (start, end) -> {
            float[] scratch = plan.contiguousRows() ? null : new float[n];
            for (int row = start; row < end; row++) {
                int rowStart = plan.rowStarts()[row];
                if (scratch == null) {
                    task.run(row, src, rowStart);
                } else {
                    int[] element = plan.elementOffsets();
                    for (int j = 0; j < n; j++) {
                        scratch[j] = src[rowStart + element[j]];
                    }
                    task.run(row, scratch, 0);
                }
            }
        });
    }

    static void reduce(Parallel parallel, ReduceOp op, Tensor x, int reducedDims, Tensor out) {
        float[] dst = out.floatData();
        Plan plan = plan(x, reducedDims);
        int n = plan.n();
        if (!plan.contiguousRows() && op != ReduceOp.LOGSUMEXP && keptContiguous(plan)) {
            reduceColumns(parallel, op, x, plan, dst);
            return;
        }
        forEachRow(parallel, x, plan, (row, values, off) -> dst[row] = switch (op) {
            case SUM -> RowMath.sum(values, off, n, 0f);
            case MEAN -> RowMath.sum(values, off, n, 0f) / n;
            case MAX -> RowMath.extreme(values, off, n, true);
            case MIN -> RowMath.extreme(values, off, n, false);
            case LOGSUMEXP -> RowMath.logSumExp(values, off, n);
        });
    }

    /** True when consecutive output rows start at consecutive storage positions (kept dims dense, stride 1). */
    private static boolean keptContiguous(Plan plan) {
        int[] starts = plan.rowStarts();
        for (int row = 1; row < starts.length; row++) {
            if (starts[row] != starts[0] + row) {
                return false;
            }
        }
        return plan.rows() > 1;
    }

    /** out[k] = reduce over j of x[start + k + elementOffsets[j]], vectorised along k. */
    private static void reduceColumns(Parallel parallel, ReduceOp op, Tensor x, Plan plan, float[] dst) {
        float[] src = x.floatData();
        int base = plan.rowStarts()[0];
        int[] element = plan.elementOffsets();
        int n = plan.n();
        boolean max = op == ReduceOp.MAX;
        boolean extreme = op == ReduceOp.MAX || op == ReduceOp.MIN;
        float identity = max ? Float.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Float.POSITIVE_INFINITY : 0f;
        parallel.forRange(plan.rows(), 1 << 12, (start, end) -> {
            for (int k = start; k < end; k++) {
                dst[k] = identity;
            }
            for (int j = 0; j < n; j++) {
                int from = base + element[j];
                int k = start;
                for (int bound = start + FLOAT.loopBound(end - start); k < bound; k += FLOAT.length()) {
                    FloatVector acc = FloatVector.fromArray(FLOAT, dst, k);
                    FloatVector v = FloatVector.fromArray(FLOAT, src, from + k);
                    (extreme ? (max ? acc.max(v) : acc.min(v)) : acc.add(v)).intoArray(dst, k);
                }
                for (; k < end; k++) {
                    float v = src[from + k];
                    dst[k] = extreme ? (max ? Math.max(dst[k], v) : Math.min(dst[k], v)) : dst[k] + v;
                }
            }
            if (op == ReduceOp.MEAN) {
                for (int k = start; k < end; k++) {
                    dst[k] /= n;
                }
            }
        });
    }

    static void variance(Parallel parallel, Tensor x, int reducedDims, int correction, Tensor out) {
        float[] dst = out.floatData();
        Plan plan = plan(x, reducedDims);
        int n = plan.n();
        int dof = n - correction;
        forEachRow(parallel, x, plan, (row, values, off) -> {
            float mean = RowMath.sum(values, off, n, 0f) / n;
            dst[row] = dof > 0 ? RowMath.squaredDeviations(values, off, n, mean) / dof : Float.NaN;
        });
    }

    static void argReduce(Parallel parallel, boolean max, Tensor x, int reducedDims, Tensor out) {
        long[] dst = out.longData();
        Plan plan = plan(x, reducedDims);
        int n = plan.n();
        forEachRow(parallel, x, plan, (row, values, off) -> {
            // First occurrence of the extreme; the first NaN wins outright.
            int best = 0;
            float bestValue = values[off];
            for (int j = 1; j < n && !Float.isNaN(bestValue); j++) {
                float v = values[off + j];
                if (Float.isNaN(v) || (max ? v > bestValue : v < bestValue)) {
                    best = j;
                    bestValue = v;
                }
            }
            dst[row] = best;
        });
    }
}
