package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;

/** Row-wise softmax and layer norm over contiguous [rows, n] tensors, rows split over the pool. */
final class CpuRows {
    private CpuRows() {
    }

    /** softmax = exp(x − m) / Σ exp(x − m); log_softmax = x − m − log Σ exp(x − m); m = row max. */
    static void softmax(Parallel parallel, Tensor x, Tensor out, boolean log) {
        float[] src = x.floatData();
        float[] dst = out.floatData();
        int n = x.size(-1);
        int rows = n == 0 ? 0 : x.numel() / n;
        parallel.forRange(rows, grain(n), (start, end) -> {
            for (int row = start; row < end; row++) {
                int in = x.offset() + row * n;
                int to = out.offset() + row * n;
                float max = RowMath.extreme(src, in, n, true);
                if (log) {
                    float logSum = (float) Math.log(RowMath.expSum(src, in, n, max, null, 0));
                    RowMath.subtractTwice(src, in, n, max, logSum, dst, to);
                } else {
                    float sum = RowMath.expSum(src, in, n, max, dst, to);
                    RowMath.normalize(dst, to, n, 0f, 1f / sum, null, null, dst, to);
                }
            }
        });
    }

    /** y = (x − mean)·rstd·weight + bias, rstd = 1/√(var + eps), biased variance, two passes over the row. */
    static void layerNorm(Parallel parallel, Tensor x, Tensor weight, Tensor bias, float eps, Tensor out,
                          Tensor mean, Tensor rstd) {
        float[] src = x.floatData();
        float[] dst = out.floatData();
        int n = x.size(-1);
        int rows = n == 0 ? 0 : x.numel() / n;
        // Dense copies of the affine parameters so the vector loop reads them with stride 1.
        float[] gamma = weight == null ? null : weight.toFloatArray();
        float[] beta = bias == null ? null : bias.toFloatArray();
        parallel.forRange(rows, grain(n), (start, end) -> {
            for (int row = start; row < end; row++) {
                int in = x.offset() + row * n;
                int to = out.offset() + row * n;
                float mu = RowMath.sum(src, in, n, 0f) / n;
                float inverseStd = (float) (1 / Math.sqrt(RowMath.squaredDeviations(src, in, n, mu) / n + eps));
                RowMath.normalize(src, in, n, mu, inverseStd, gamma, beta, dst, to);
                if (mean != null) {
                    mean.floatData()[mean.offset() + row] = mu;
                }
                if (rstd != null) {
                    rstd.floatData()[rstd.offset() + row] = inverseStd;
                }
            }
        });
    }

    /** Rows per work item so each chunk holds at least ~16K elements. */
    private static int grain(int n) {
        return Math.max(1, (1 << 14) / Math.max(n, 1));
    }
}
