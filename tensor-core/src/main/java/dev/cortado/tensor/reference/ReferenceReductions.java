package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.ReduceOp;

/**
 * Reductions of the reference backend. The input's last {@code reducedDims} dims are reduced; position
 * {@code row · n + j} of the row-major order is element j of output row {@code row}. Sums run in double.
 */
final class ReferenceReductions {
    private ReferenceReductions() {
    }

    /** Elements per output row: the product of the reduced (trailing) sizes. */
    static int reducedCount(Tensor x, int reducedDims) {
        int n = 1;
        for (int d = x.dim() - reducedDims; d < x.dim(); d++) {
            n *= x.size(d);
        }
        return n;
    }

    static void reduce(ReduceOp op, Tensor x, int reducedDims, Tensor out) {
        Layout in = new Layout(x);
        float[] src = x.floatData();
        float[] dst = out.floatData();
        int n = reducedCount(x, reducedDims);
        int rows = out.numel();
        for (int row = 0; row < rows; row++) {
            int base = row * n;
            double result = switch (op) {
                case SUM -> sum(src, in, base, n, 0);
                case MEAN -> sum(src, in, base, n, 0) / n;
                case MAX -> extreme(src, in, base, n, true);
                case MIN -> extreme(src, in, base, n, false);
                case LOGSUMEXP -> logSumExp(src, in, base, n);
            };
            dst[out.offset() + row] = (float) result;
        }
    }

    /** Σ (x - shift). */
    private static double sum(float[] src, Layout in, int base, int n, double shift) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += src[in.at(base + j)] - shift;
        }
        return sum;
    }

    /** Largest (or smallest) value; NaN wins. */
    private static double extreme(float[] src, Layout in, int base, int n, boolean max) {
        double best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            double v = src[in.at(base + j)];
            best = max ? Math.max(best, v) : Math.min(best, v);
        }
        return best;
    }

    /** m + log Σ exp(x - m) with m = max; all -inf gives -inf and a +inf gives +inf. */
    private static double logSumExp(float[] src, Layout in, int base, int n) {
        double m = extreme(src, in, base, n, true);
        if (Double.isInfinite(m) || Double.isNaN(m)) {
            return m;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(src[in.at(base + j)] - m);
        }
        return m + Math.log(sum);
    }

    static void variance(Tensor x, int reducedDims, int correction, Tensor out) {
        Layout in = new Layout(x);
        float[] src = x.floatData();
        float[] dst = out.floatData();
        int n = reducedCount(x, reducedDims);
        for (int row = 0; row < out.numel(); row++) {
            int base = row * n;
            // Two passes: mean first, then the squared deviations (no catastrophic cancellation).
            double mean = sum(src, in, base, n, 0) / n;
            double squares = 0;
            for (int j = 0; j < n; j++) {
                double d = src[in.at(base + j)] - mean;
                squares += d * d;
            }
            int dof = n - correction;
            dst[out.offset() + row] = dof > 0 ? (float) (squares / dof) : Float.NaN;
        }
    }

    static void argReduce(boolean max, Tensor x, int reducedDims, Tensor out) {
        Layout in = new Layout(x);
        float[] src = x.floatData();
        long[] dst = out.longData();
        int n = reducedCount(x, reducedDims);
        for (int row = 0; row < out.numel(); row++) {
            int base = row * n;
            int best = 0;
            float bestValue = src[in.at(base)];
            for (int j = 1; j < n && !Float.isNaN(bestValue); j++) {
                float v = src[in.at(base + j)];
                if (Float.isNaN(v) || (max ? v > bestValue : v < bestValue)) {
                    best = j;
                    bestValue = v;
                }
            }
            dst[out.offset() + row] = best;
        }
    }
}
