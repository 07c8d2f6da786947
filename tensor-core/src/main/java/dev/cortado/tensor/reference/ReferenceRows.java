package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;

/** Row-wise kernels of the reference backend over contiguous [rows, n] tensors, accumulating in double. */
final class ReferenceRows {
    private ReferenceRows() {
    }

    /**
     * softmax(x)ⱼ = exp(xⱼ - m) / Σₖ exp(xₖ - m) and log_softmax(x)ⱼ = xⱼ - m - log Σₖ exp(xₖ - m),
     * with m the row maximum so no exponent overflows.
     */
    static void softmax(Tensor x, Tensor out, boolean log) {
        float[] src = x.floatData();
        float[] dst = out.floatData();
        int n = x.size(-1);
        int rows = n == 0 ? 0 : x.numel() / n;
        for (int row = 0; row < rows; row++) {
            int in = x.offset() + row * n;
            int to = out.offset() + row * n;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, src[in + j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(src[in + j] - max);
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < n; j++) {
                double shifted = src[in + j] - max;
                dst[to + j] = (float) (log ? shifted - logSum : Math.exp(shifted) / sum);
            }
        }
    }

    /** y = (x - mean) / sqrt(var + eps) · weight + bias with the biased variance of the row. */
    static void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd) {
        float[] src = x.floatData();
        float[] dst = out.floatData();
        int n = x.size(-1);
        int rows = n == 0 ? 0 : x.numel() / n;
        for (int row = 0; row < rows; row++) {
            int in = x.offset() + row * n;
            int to = out.offset() + row * n;
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += src[in + j];
            }
            double mu = sum / n;
            double squares = 0;
            for (int j = 0; j < n; j++) {
                double d = src[in + j] - mu;
                squares += d * d;
            }
            double inverseStd = 1 / Math.sqrt(squares / n + eps);
            for (int j = 0; j < n; j++) {
                double y = (src[in + j] - mu) * inverseStd;
                if (weight != null) {
                    y *= weight.floatData()[weight.offset() + j * weight.stride(0)];
                }
                if (bias != null) {
                    y += bias.floatData()[bias.offset() + j * bias.stride(0)];
                }
                dst[to + j] = (float) y;
            }
            if (mean != null) {
                mean.floatData()[mean.offset() + row] = (float) mu;
            }
            if (rstd != null) {
                rstd.floatData()[rstd.offset() + row] = (float) inverseStd;
            }
        }
    }

    /** softmax: gx = y·(g − Σ g·y); log-softmax: gx = g − e^y·Σ g (sums over the row, in double). */
    static void softmaxBackward(Tensor y, Tensor gradOut, Tensor gradIn, boolean log) {
        float[] out = y.floatData();
        float[] g = gradOut.floatData();
        float[] dst = gradIn.floatData();
        int n = y.size(-1);
        int rows = n == 0 ? 0 : y.numel() / n;
        for (int row = 0; row < rows; row++) {
            int at = y.offset() + row * n;
            int ag = gradOut.offset() + row * n;
            int to = gradIn.offset() + row * n;
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += log ? g[ag + j] : (double) g[ag + j] * out[at + j];
            }
            for (int j = 0; j < n; j++) {
                dst[to + j] = (float) (log ? g[ag + j] - Math.exp(out[at + j]) * sum
                        : out[at + j] * (g[ag + j] - sum));
            }
        }
    }

    /** gx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = g·w, x̂ = (x − mean)·rstd; gw = Σ g·x̂, gb = Σ g over rows. */
    static void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut, Tensor gradIn,
                                  Tensor gradWeight, Tensor gradBias) {
        float[] src = x.floatData();
        float[] g = gradOut.floatData();
        float[] dst = gradIn.floatData();
        int n = x.size(-1);
        int rows = n == 0 ? 0 : x.numel() / n;
        double[] weightSums = new double[n];
        double[] biasSums = new double[n];
        for (int row = 0; row < rows; row++) {
            int in = x.offset() + row * n;
            int ag = gradOut.offset() + row * n;
            int to = gradIn.offset() + row * n;
            double mu = mean.floatData()[mean.offset() + row];
            double r = rstd.floatData()[rstd.offset() + row];
            double sumG = 0;
            double sumGx = 0;
            for (int j = 0; j < n; j++) {
                double xHat = (src[in + j] - mu) * r;
                double gHat = g[ag + j] * (weight == null ? 1 : weight.floatData()[weight.offset() + j * weight.stride(0)]);
                sumG += gHat;
                sumGx += gHat * xHat;
                weightSums[j] += g[ag + j] * xHat;
                biasSums[j] += g[ag + j];
            }
            for (int j = 0; j < n; j++) {
                double xHat = (src[in + j] - mu) * r;
                double gHat = g[ag + j] * (weight == null ? 1 : weight.floatData()[weight.offset() + j * weight.stride(0)]);
                dst[to + j] = (float) (r * (gHat - sumG / n - xHat * sumGx / n));
            }
        }
        for (int j = 0; j < n; j++) {
            if (gradWeight != null) {
                gradWeight.floatData()[gradWeight.offset() + j * gradWeight.stride(0)] = (float) weightSums[j];
            }
            if (gradBias != null) {
                gradBias.floatData()[gradBias.offset() + j * gradBias.stride(0)] = (float) biasSums[j];
            }
        }
    }
}
