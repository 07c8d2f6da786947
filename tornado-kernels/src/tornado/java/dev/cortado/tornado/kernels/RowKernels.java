package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Kernels over the rows of a dense [rows, n] matrix, one work item per row: reductions, softmax and layer norm
 * with their backward passes. Rows of a transformer (n up to a few thousand) fit one work item's loop; the
 * column sums of the layer-norm parameter gradients run one work item per column instead.
 */
public final class RowKernels {
    // Reduction op codes.
    public static final int SUM = 0;
    public static final int MEAN = 1;
    public static final int MAX = 2;
    public static final int MIN = 3;
    public static final int LOGSUMEXP = 4;

    private RowKernels() {
    }

    /**
     * {@code out[r] = op(x[r, 0..n))} for n ≥ 1 with op the code in {@code opCode[0]}; NaN propagates through MAX
     * and MIN. Each op has its own branch: TornadoVM 5.2.1 turns an {@code op == A || op == B} test into a
     * switch whose second key is lost in the OpenCL code, so that B then ran another op's branch.
     */
    public static void reduce(FloatArray x, FloatArray out, int n, IntArray opCode) {
        int op = opCode.get(0);
        for (@Parallel int r = 0; r < out.getSize(); r++) {
            int base = r * n;
            float result;
            if (op == SUM) {
                result = rowSum(x, base, n);
            } else if (op == MEAN) {
                result = rowSum(x, base, n) / n;
            } else if (op == MAX) {
                result = rowMax(x, base, n);
            } else if (op == MIN) {
                result = rowMin(x, base, n);
            } else {
                result = logSumExp(x, base, n, rowMax(x, base, n));
            }
            out.set(r, result);
        }
    }

    private static float rowSum(FloatArray x, int base, int n) {
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            sum += x.get(base + j);
        }
        return sum;
    }

    private static float rowMax(FloatArray x, int base, int n) {
        float max = x.get(base);
        for (int j = 1; j < n; j++) {
            max = DeviceMath.maximum(max, x.get(base + j));
        }
        return max;
    }

    private static float rowMin(FloatArray x, int base, int n) {
        float min = x.get(base);
        for (int j = 1; j < n; j++) {
            min = DeviceMath.minimum(min, x.get(base + j));
        }
        return min;
    }

    /** m + log Σ exp(x − m) with m the row maximum; an all −∞ row gives −∞ (not NaN from −∞ − −∞). */
    private static float logSumExp(FloatArray x, int base, int n, float max) {
        if (max == Float.NEGATIVE_INFINITY || DeviceMath.isNaN(max)) {
            return max;
        }
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            sum += TornadoMath.exp(x.get(base + j) - max);
        }
        return max + TornadoMath.log(sum);
    }

    /**
     * Softmax of each row, {@code y = e^(x − m) / Σ e^(x − m)} with m the row maximum, or with {@code logSoftmax}
     * (1) log-softmax {@code y = x − m − log Σ e^(x − m)}. (A kernel argument must not be called {@code log}: it
     * would hide OpenCL's log function in the generated code.)
     */
    public static void softmax(FloatArray x, FloatArray out, int rows, int n, int logSoftmax) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * n;
            float max = x.get(base);
            for (int j = 1; j < n; j++) {
                max = DeviceMath.maximum(max, x.get(base + j));
            }
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                sum += TornadoMath.exp(x.get(base + j) - max);
            }
            if (logSoftmax == 1) {
                float shift = max + TornadoMath.log(sum);
                for (int j = 0; j < n; j++) {
                    out.set(base + j, x.get(base + j) - shift);
                }
            } else {
                float scale = 1f / sum;
                for (int j = 0; j < n; j++) {
                    out.set(base + j, TornadoMath.exp(x.get(base + j) - max) * scale);
                }
            }
        }
    }

    /**
     * Backward of each row's softmax from its output y: {@code gradIn = y·(g − Σ g·y)}; with {@code logSoftmax}
     * (1), of log-softmax: {@code gradIn = g − e^y·Σ g}.
     */
    public static void softmaxBackward(FloatArray y, FloatArray gradOut, FloatArray gradIn, int rows, int n,
                                       int logSoftmax) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * n;
            float dot = 0f;
            for (int j = 0; j < n; j++) {
                float g = gradOut.get(base + j);
                dot += logSoftmax == 1 ? g : g * y.get(base + j);
            }
            for (int j = 0; j < n; j++) {
                float g = gradOut.get(base + j);
                float yj = y.get(base + j);
                gradIn.set(base + j, logSoftmax == 1 ? g - TornadoMath.exp(yj) * dot : yj * (g - dot));
            }
        }
    }

    /**
     * Layer norm of each row: {@code out = (x − mean)·rstd·weight + bias}, rstd = 1/√(var + eps) with the biased
     * variance (two passes: the mean, then Σ(x − mean)², which loses nothing to cancellation). mean and rstd
     * [rows] receive the statistics for the backward pass.
     */
    public static void layerNorm(FloatArray x, FloatArray weight, FloatArray bias, FloatArray out, FloatArray mean,
                                 FloatArray rstd, int n, float eps) {
        for (@Parallel int r = 0; r < mean.getSize(); r++) {
            int base = r * n;
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                sum += x.get(base + j);
            }
            float mu = sum / n;
            float squares = 0f;
            for (int j = 0; j < n; j++) {
                float centred = x.get(base + j) - mu;
                squares += centred * centred;
            }
            float inverse = 1f / TornadoMath.sqrt(squares / n + eps);
            for (int j = 0; j < n; j++) {
                out.set(base + j, (x.get(base + j) - mu) * inverse * weight.get(j) + bias.get(j));
            }
            mean.set(r, mu);
            rstd.set(r, inverse);
        }
    }

    /**
     * Layer-norm input gradient of each row: with x̂ = (x − mean)·rstd and ĝ = g·weight,
     * {@code gradIn = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))}.
     */
    public static void layerNormBackward(FloatArray x, FloatArray weight, FloatArray mean, FloatArray rstd,
                                         FloatArray gradOut, FloatArray gradIn, int n) {
        for (@Parallel int r = 0; r < mean.getSize(); r++) {
            int base = r * n;
            float mu = mean.get(r);
            float inverse = rstd.get(r);
            float sumG = 0f;
            float sumGX = 0f;
            for (int j = 0; j < n; j++) {
                float g = gradOut.get(base + j) * weight.get(j);
                sumG += g;
                sumGX += g * (x.get(base + j) - mu) * inverse;
            }
            float meanG = sumG / n;
            float meanGX = sumGX / n;
            for (int j = 0; j < n; j++) {
                float g = gradOut.get(base + j) * weight.get(j);
                float xHat = (x.get(base + j) - mu) * inverse;
                gradIn.set(base + j, inverse * (g - meanG - xHat * meanGX));
            }
        }
    }

    /** Layer-norm parameter gradients, one work item per column j: {@code gradWeight[j] = Σ_r g·x̂}, {@code gradBias[j] = Σ_r g}. */
    public static void layerNormParamGrads(FloatArray x, FloatArray mean, FloatArray rstd, FloatArray gradOut,
                                           FloatArray gradWeight, FloatArray gradBias) {
        int n = gradWeight.getSize();
        int rows = mean.getSize();
        for (@Parallel int j = 0; j < n; j++) {
            float sumGX = 0f;
            float sumG = 0f;
            for (int r = 0; r < rows; r++) {
                float g = gradOut.get(r * n + j);
                sumGX += g * (x.get(r * n + j) - mean.get(r)) * rstd.get(r);
                sumG += g;
            }
            gradWeight.set(j, sumGX);
            gradBias.set(j, sumG);
        }
    }
}
