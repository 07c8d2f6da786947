package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector reductions over one contiguous run {@code a[off .. off+n)}, shared by the reduction, softmax and
 * layer-norm kernels. Two accumulators per loop keep two FMA/add chains in flight.
 */
final class RowMath {
    private RowMath() {
    }

    /**
     * Elements per block of a long sum: each block is summed in float vector lanes and the block sums
     * are added in double, so rounding error grows with the block length, not the row length.
     */
    private static final int BLOCK = 2048;

    /** Σ a[off + j] − shift. */
    static float sum(float[] a, int off, int n, float shift) {
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            total += blockSum(a, off + start, Math.min(BLOCK, n - start), shift, false);
        }
        return (float) total;
    }

    /** Σ a·b over a row, vectorised. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(FLOAT);
        int j = 0;
        for (int bound = FLOAT.loopBound(n); j < bound; j += FLOAT.length()) {
            acc = FloatVector.fromArray(FLOAT, a, aOff + j).fma(FloatVector.fromArray(FLOAT, b, bOff + j), acc);
        }
        float sum = Simd.sum(acc);
        for (; j < n; j++) {
            sum += a[aOff + j] * b[bOff + j];
        }
        return sum;
    }

    /** Σ (a[off + j] − mean)². */
    static float squaredDeviations(float[] a, int off, int n, float mean) {
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            total += blockSum(a, off + start, Math.min(BLOCK, n - start), mean, true);
        }
        return (float) total;
    }

    /** Σ d or Σ d² (when {@code square}) of d = a[off + j] − shift over one block. */
    private static float blockSum(float[] a, int off, int n, float shift, boolean square) {
        FloatVector acc0 = FloatVector.zero(FLOAT);
        FloatVector acc1 = FloatVector.zero(FLOAT);
        int lanes = FLOAT.length();
        int i = 0;
        for (int bound = n - 2 * lanes; i <= bound; i += 2 * lanes) {
            FloatVector d0 = FloatVector.fromArray(FLOAT, a, off + i).sub(shift);
            FloatVector d1 = FloatVector.fromArray(FLOAT, a, off + i + lanes).sub(shift);
            acc0 = square ? d0.fma(d0, acc0) : acc0.add(d0);
            acc1 = square ? d1.fma(d1, acc1) : acc1.add(d1);
        }
        for (int bound = FLOAT.loopBound(n); i < bound; i += lanes) {
            FloatVector d0 = FloatVector.fromArray(FLOAT, a, off + i).sub(shift);
            acc0 = square ? d0.fma(d0, acc0) : acc0.add(d0);
        }
        float sum = Simd.sum(acc0.add(acc1));
        for (; i < n; i++) {
            float d = a[off + i] - shift;
            sum += square ? d * d : d;
        }
        return sum;
    }

    /**
     * Largest ({@code max}) or smallest value; NaN if any value is NaN; ∓inf for n = 0. Lane-wise max/min
     * and their lane reduction follow Math.max/min, which propagate NaN.
     */
    static float extreme(float[] a, int off, int n, boolean max) {
        FloatVector acc = FloatVector.broadcast(FLOAT, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
        int i = 0;
        for (int bound = FLOAT.loopBound(n); i < bound; i += FLOAT.length()) {
            FloatVector v = FloatVector.fromArray(FLOAT, a, off + i);
            acc = max ? acc.max(v) : acc.min(v);
        }
        float result = acc.reduceLanes(max ? VectorOperators.MAX : VectorOperators.MIN);
        for (; i < n; i++) {
            result = max ? Math.max(result, a[off + i]) : Math.min(result, a[off + i]);
        }
        return result;
    }

    /** Σ exp(a[off + j] − shift), also writing each term to {@code out[outOff + j]} when out is non-null. */
    static float expSum(float[] a, int off, int n, float shift, float[] out, int outOff) {
        FloatVector acc = FloatVector.zero(FLOAT);
        int i = 0;
        for (int bound = FLOAT.loopBound(n); i < bound; i += FLOAT.length()) {
            FloatVector e = Transcendentals.exp(FloatVector.fromArray(FLOAT, a, off + i).sub(shift));
            if (out != null) {
                e.intoArray(out, outOff + i);
            }
            acc = acc.add(e);
        }
        float sum = Simd.sum(acc);
        for (; i < n; i++) {
            float e = (float) Math.exp(a[off + i] - shift);
            if (out != null) {
                out[outOff + i] = e;
            }
            sum += e;
        }
        return sum;
    }

    /** m + log Σ exp(a − m) with m the maximum; ±inf and NaN maxima pass through. */
    static float logSumExp(float[] a, int off, int n) {
        float m = extreme(a, off, n, true);
        if (Float.isInfinite(m) || Float.isNaN(m)) {
            return m;
        }
        return m + (float) Math.log(expSum(a, off, n, m, null, 0));
    }

    /**
     * out[outOff + j] = (a[off + j] − mean) · rstd · gamma[j] + beta[j] in one pass; gamma and beta may
     * be null (meaning 1 and 0).
     */
    static void normalize(float[] a, int off, int n, float mean, float rstd, float[] gamma, float[] beta,
                          float[] out, int outOff) {
        float shift = -mean * rstd;
        int i = 0;
        for (int bound = FLOAT.loopBound(n); i < bound; i += FLOAT.length()) {
            FloatVector v = FloatVector.fromArray(FLOAT, a, off + i).fma(rstd, shift);
            if (gamma != null) {
                v = v.mul(FloatVector.fromArray(FLOAT, gamma, i));
            }
            if (beta != null) {
                v = v.add(FloatVector.fromArray(FLOAT, beta, i));
            }
            v.intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float v = a[off + i] * rstd + shift;
            if (gamma != null) {
                v *= gamma[i];
            }
            if (beta != null) {
                v += beta[i];
            }
            out[outOff + i] = v;
        }
    }

    /**
     * out[outOff + j] = (a[off + j] − first) − second, in that order: folding first + second into one
     * constant would round it to the ulp of the larger term (0.001 at 1e4) before the subtraction.
     */
    static void subtractTwice(float[] a, int off, int n, float first, float second, float[] out, int outOff) {
        int i = 0;
        for (int bound = FLOAT.loopBound(n); i < bound; i += FLOAT.length()) {
            FloatVector.fromArray(FLOAT, a, off + i).sub(first).sub(second).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = (a[off + i] - first) - second;
        }
    }
}
