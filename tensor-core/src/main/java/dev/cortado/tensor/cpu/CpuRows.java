package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;

import dev.cortado.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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

    /** softmax: gx = y·(g − Σ g·y); log-softmax: gx = g − e^y·Σ g; one reduction pass and one update pass per row. */
    static void softmaxBackward(Parallel parallel, Tensor y, Tensor gradOut, Tensor gradIn, boolean log) {
        float[] out = y.floatData();
        float[] g = gradOut.floatData();
        float[] dst = gradIn.floatData();
        int n = y.size(-1);
        int rows = n == 0 ? 0 : y.numel() / n;
        parallel.forRange(rows, grain(n), (start, end) -> {
            for (int row = start; row < end; row++) {
                int at = y.offset() + row * n;
                int ag = gradOut.offset() + row * n;
                int to = gradIn.offset() + row * n;
                float sum = log ? RowMath.sum(g, ag, n, 0f) : RowMath.dot(g, ag, out, at, n);
                int j = 0;
                for (int bound = FLOAT.loopBound(n); j < bound; j += FLOAT.length()) {
                    FloatVector yv = FloatVector.fromArray(FLOAT, out, at + j);
                    FloatVector gv = FloatVector.fromArray(FLOAT, g, ag + j);
                    FloatVector r = log ? Transcendentals.exp(yv).mul(-sum).add(gv) : gv.sub(sum).mul(yv);
                    r.intoArray(dst, to + j);
                }
                for (; j < n; j++) {
                    dst[to + j] = log ? g[ag + j] - (float) Math.exp(out[at + j]) * sum : out[at + j] * (g[ag + j] - sum);
                }
            }
        });
    }

    /**
     * gx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = g·w, x̂ = (x − mean)·rstd. The weight and bias gradients
     * (column sums of g·x̂ and g) are summed per chunk of rows into private arrays, then the chunks are added
     * in a fixed order, so the result does not depend on thread timing.
     */
    static void layerNormBackward(Parallel parallel, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut,
                                  Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        float[] src = x.floatData();
        float[] g = gradOut.floatData();
        float[] dst = gradIn.floatData();
        float[] gamma = weight == null ? null : weight.toFloatArray();
        int n = x.size(-1);
        int rows = n == 0 ? 0 : x.numel() / n;
        int chunks = Math.max(1, Math.min(parallel.threads(), rows / grain(n)));
        float[][] weightSums = new float[chunks][gradWeight == null ? 0 : n];
        float[][] biasSums = new float[chunks][gradBias == null ? 0 : n];
        parallel.forRange(chunks, 1, (first, last) -> {
            float[] gHat = new float[n];
            for (int chunk = first; chunk < last; chunk++) {
                for (int row = (int) ((long) rows * chunk / chunks); row < (long) rows * (chunk + 1) / chunks; row++) {
                    int in = x.offset() + row * n;
                    int ag = gradOut.offset() + row * n;
                    int to = gradIn.offset() + row * n;
                    float mu = mean.floatData()[mean.offset() + row];
                    float r = rstd.floatData()[rstd.offset() + row];
                    layerNormRowBackward(src, in, g, ag, gamma, mu, r, n, gHat, dst, to,
                            weightSums[chunk], biasSums[chunk]);
                }
            }
        });
        addChunks(weightSums, gradWeight);
        addChunks(biasSums, gradBias);
    }

    private static void layerNormRowBackward(float[] src, int in, float[] g, int ag, float[] gamma, float mu, float r,
                                             int n, float[] gHat, float[] dst, int to, float[] weightSum, float[] biasSum) {
        // Pass 1: ĝ, Σĝ and Σĝ·x̂, and the column sums for the affine gradients.
        FloatVector sumG = FloatVector.zero(FLOAT);
        FloatVector sumGx = FloatVector.zero(FLOAT);
        int j = 0;
        for (int bound = FLOAT.loopBound(n); j < bound; j += FLOAT.length()) {
            FloatVector gv = FloatVector.fromArray(FLOAT, g, ag + j);
            FloatVector xHat = FloatVector.fromArray(FLOAT, src, in + j).sub(mu).mul(r);
            FloatVector gh = gamma == null ? gv : gv.mul(FloatVector.fromArray(FLOAT, gamma, j));
            gh.intoArray(gHat, j);
            sumG = sumG.add(gh);
            sumGx = gh.fma(xHat, sumGx);
            if (weightSum.length > 0) {
                gv.fma(xHat, FloatVector.fromArray(FLOAT, weightSum, j)).intoArray(weightSum, j);
            }
            if (biasSum.length > 0) {
                gv.add(FloatVector.fromArray(FLOAT, biasSum, j)).intoArray(biasSum, j);
            }
        }
        float totalG = Simd.sum(sumG);
        float totalGx = Simd.sum(sumGx);
        for (; j < n; j++) {
            float xHat = (src[in + j] - mu) * r;
            float gh = gamma == null ? g[ag + j] : g[ag + j] * gamma[j];
            gHat[j] = gh;
            totalG += gh;
            totalGx += gh * xHat;
            if (weightSum.length > 0) {
                weightSum[j] += g[ag + j] * xHat;
            }
            if (biasSum.length > 0) {
                biasSum[j] += g[ag + j];
            }
        }
        // Pass 2: gx = r·(ĝ − meanG − x̂·meanGx).
        float meanG = totalG / n;
        float meanGx = totalGx / n;
        j = 0;
        for (int bound = FLOAT.loopBound(n); j < bound; j += FLOAT.length()) {
            FloatVector xHat = FloatVector.fromArray(FLOAT, src, in + j).sub(mu).mul(r);
            FloatVector.fromArray(FLOAT, gHat, j).sub(meanG).sub(xHat.mul(meanGx)).mul(r).intoArray(dst, to + j);
        }
        for (; j < n; j++) {
            float xHat = (src[in + j] - mu) * r;
            dst[to + j] = r * (gHat[j] - meanG - xHat * meanGx);
        }
    }

    /** target[j] = Σ over chunks of partial[chunk][j] (in chunk order); nothing when target is null. */
    private static void addChunks(float[][] partial, Tensor target) {
        if (target == null) {
            return;
        }
        float[] t = target.floatData();
        for (int j = 0; j < partial[0].length; j++) {
            float total = 0;
            for (float[] chunk : partial) {
                total += chunk[j];
            }
            t[target.offset() + j * target.stride(0)] = total;
        }
    }

    /** Rows per work item so each chunk holds at least ~16K elements. */
    private static int grain(int n) {
        return Math.max(1, (1 << 14) / Math.max(n, 1));
    }
}
