package dev.cortado.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Products where C is a single row or a single column (vector·matrix, matrix·vector, a batch-1 linear
 * layer). The packed path would pad that one row to a 12-row tile (or that one column to a 2-vector
 * tile) and compute up to 32 times the useful flops; these loops read each operand once, unpacked, which
 * is all a memory-bound product needs.
 */
final class SgemmThin {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int L = Simd.LANES;
    /** Vectors of C one axpy pass keeps in registers. */
    private static final int AXPY_VECTORS = 4;
    /** Outputs per thread chunk so a chunk streams ≥ ~1 MFLOP. */
    private static final long CHUNK_FLOPS = 1L << 20;

    private SgemmThin() {
    }

    /**
     * Handles the product if C is one row or one column and the operands are laid out for a unit-stride
     * loop: A rows and B columns contiguous (every output is a dot product), or, for one row, B rows
     * contiguous (the row is a sum of scaled B rows). Returns false, having done nothing, otherwise.
     */
    static boolean tryMultiply(Parallel parallel, int m, int n, int k,
                               float[] a, int aOff, int aRowStride, int aColStride,
                               float[] b, int bOff, int bRowStride, int bColStride,
                               float[] c, int cOff, int ldc, boolean accumulate) {
        if (m != 1 && n != 1) {
            return false;
        }
        if (aColStride == 1 && bRowStride == 1) {
            int outputs = m * n;
            forChunks(parallel, outputs, k, (first, last) -> {
                for (int o = first; o < last; o++) {
                    int i = n == 1 ? o : 0;
                    int j = n == 1 ? 0 : o;
                    float dot = dot(k, a, aOff + i * aRowStride, b, bOff + j * bColStride);
                    int at = cOff + i * ldc + j;
                    c[at] = accumulate ? c[at] + dot : dot;
                }
            });
            return true;
        }
        if (m == 1 && bColStride == 1) {
            int blocks = (n + AXPY_VECTORS * L - 1) / (AXPY_VECTORS * L);
            forChunks(parallel, blocks, (long) k * AXPY_VECTORS * L, (first, last) -> {
                int start = first * AXPY_VECTORS * L;
                int end = Math.min(n, last * AXPY_VECTORS * L);
                axpyRow(k, a, aOff, aColStride, b, bOff, bRowStride, start, end, c, cOff, accumulate);
            });
            return true;
        }
        return false;
    }

    /** Σ_p x[xAt + p] · y[yAt + p]. */
    private static float dot(int k, float[] x, int xAt, float[] y, int yAt) {
        FloatVector acc = FloatVector.zero(S);
        int p = 0;
        for (int end = S.loopBound(k); p < end; p += L) {
            acc = FloatVector.fromArray(S, x, xAt + p).fma(FloatVector.fromArray(S, y, yAt + p), acc);
        }
        float sum = Simd.sum(acc);
        for (; p < k; p++) {
            sum += x[xAt + p] * y[yAt + p];
        }
        return sum;
    }

    /**
     * {@code c[j] (+)= Σ_p a[p] · B[p, j]} for j in [start, end), B rows contiguous: four vectors of c stay in
     * registers while p runs over k, then single vectors, then single lanes.
     */
    private static void axpyRow(int k, float[] a, int aOff, int aStride, float[] b, int bOff, int bRowStride,
                                int start, int end, float[] c, int cOff, boolean accumulate) {
        int j = start;
        for (; j + AXPY_VECTORS * L <= end; j += AXPY_VECTORS * L) {
            FloatVector c0 = initial(accumulate, c, cOff + j);
            FloatVector c1 = initial(accumulate, c, cOff + j + L);
            FloatVector c2 = initial(accumulate, c, cOff + j + 2 * L);
            FloatVector c3 = initial(accumulate, c, cOff + j + 3 * L);
            for (int p = 0; p < k; p++) {
                FloatVector ap = FloatVector.broadcast(S, a[aOff + p * aStride]);
                int row = bOff + p * bRowStride + j;
                c0 = FloatVector.fromArray(S, b, row).fma(ap, c0);
                c1 = FloatVector.fromArray(S, b, row + L).fma(ap, c1);
                c2 = FloatVector.fromArray(S, b, row + 2 * L).fma(ap, c2);
                c3 = FloatVector.fromArray(S, b, row + 3 * L).fma(ap, c3);
            }
            c0.intoArray(c, cOff + j);
            c1.intoArray(c, cOff + j + L);
            c2.intoArray(c, cOff + j + 2 * L);
            c3.intoArray(c, cOff + j + 3 * L);
        }
        for (; j + L <= end; j += L) {
            FloatVector acc = initial(accumulate, c, cOff + j);
            for (int p = 0; p < k; p++) {
                FloatVector ap = FloatVector.broadcast(S, a[aOff + p * aStride]);
                acc = FloatVector.fromArray(S, b, bOff + p * bRowStride + j).fma(ap, acc);
            }
            acc.intoArray(c, cOff + j);
        }
        for (; j < end; j++) {
            float sum = accumulate ? c[cOff + j] : 0f;
            for (int p = 0; p < k; p++) {
                sum += a[aOff + p * aStride] * b[bOff + p * bRowStride + j];
            }
            c[cOff + j] = sum;
        }
    }

    private static FloatVector initial(boolean accumulate, float[] c, int at) {
        return accumulate ? FloatVector.fromArray(S, c, at) : FloatVector.zero(S);
    }

    /** Runs task over [0, count) items of {@code multiplyAdds} each, split over threads when worth it. */
    private static void forChunks(Parallel parallel, int count, long multiplyAdds, Parallel.RangeTask task) {
        if (parallel == null) {
            task.run(0, count);
        } else {
            parallel.forRange(count, (int) Math.max(1, CHUNK_FLOPS / Math.max(1, 2 * multiplyAdds)), task);
        }
    }
}
