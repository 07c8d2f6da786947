package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A few rows of A times a transposed weight matrix, {@code C = A·Wᵀ} with A's rows and W's rows contiguous:
 * a linear layer on a short batch (one sentence of 16 tokens through a [1536, 384] weight). The packed path
 * would copy all of W on every call to serve a dozen rows; here every output is a dot product of two
 * contiguous rows, eight rows of A at a time against one row of W, so W streams from memory once per eight
 * rows of C and A stays in L1.
 *
 * <pre>
 * for each row j of W (columns of C, split over threads)
 *   for i in steps of 8 rows of A:   acc_r = Σ_p A[i + r, p]·W[j, p]   (vectors along p, reduced at the end)
 * </pre>
 */
final class SgemmShort {
    /** Most rows of C taken here; beyond, packing W is repaid by the rows that reuse it. */
    static final int MAX_ROWS = 32;
    /** Outputs per thread chunk so a chunk streams ≥ ~1 MFLOP. */
    private static final long CHUNK_FLOPS = 1L << 20;

    private SgemmShort() {
    }

    /** Whether the product has few rows and both A's rows and B's columns (W's rows) contiguous. */
    static boolean fits(int m, int k, int aColStride, int bRowStride) {
        return m <= MAX_ROWS && aColStride == 1 && bRowStride == 1 && k >= FLOAT.length();
    }

    /** C = A·B for A m×k (rows at aRowStride), B k×n stored as W = Bᵀ (row j of W at bOff + j·bColStride). */
    static void multiply(Parallel parallel, int m, int n, int k, float[] a, int aOff, int aRowStride,
                         float[] b, int bOff, int bColStride, float[] c, int cOff, int ldc, boolean accumulate) {
        Parallel.RangeTask columns = (first, last) -> {
            for (int j = first; j < last; j++) {
                int w = bOff + j * bColStride;
                int i = 0;
                for (; i + 8 <= m; i += 8) {
                    dots8(k, a, aOff + i * aRowStride, aRowStride, b, w, c, cOff + i * ldc + j, ldc, accumulate);
                }
                for (; i < m; i++) {
                    float dot = RowMath.dot(a, aOff + i * aRowStride, b, w, k);
                    int at = cOff + i * ldc + j;
                    c[at] = accumulate ? c[at] + dot : dot;
                }
            }
        };
        if (parallel == null) {
            columns.run(0, n);
        } else {
            parallel.forRange(n, (int) Math.max(1, CHUNK_FLOPS / Math.max(1, 2L * m * k)), columns);
        }
    }

    /** C[i + r, j] (= or +=) Σ_p A[i + r, p]·W[j, p] for r = 0..7, one pass over the W row. */
    private static void dots8(int k, float[] a, int a0, int lda, float[] w, int wOff, float[] c, int cAt, int ldc,
                              boolean accumulate) {
        FloatVector s0 = FloatVector.zero(FLOAT), s1 = FloatVector.zero(FLOAT);
        FloatVector s2 = FloatVector.zero(FLOAT), s3 = FloatVector.zero(FLOAT);
        FloatVector s4 = FloatVector.zero(FLOAT), s5 = FloatVector.zero(FLOAT);
        FloatVector s6 = FloatVector.zero(FLOAT), s7 = FloatVector.zero(FLOAT);
        int p = 0;
        for (int bound = FLOAT.loopBound(k); p < bound; p += FLOAT.length()) {
            FloatVector wv = FloatVector.fromArray(FLOAT, w, wOff + p);
            s0 = FloatVector.fromArray(FLOAT, a, a0 + p).fma(wv, s0);
            s1 = FloatVector.fromArray(FLOAT, a, a0 + lda + p).fma(wv, s1);
            s2 = FloatVector.fromArray(FLOAT, a, a0 + 2 * lda + p).fma(wv, s2);
            s3 = FloatVector.fromArray(FLOAT, a, a0 + 3 * lda + p).fma(wv, s3);
            s4 = FloatVector.fromArray(FLOAT, a, a0 + 4 * lda + p).fma(wv, s4);
            s5 = FloatVector.fromArray(FLOAT, a, a0 + 5 * lda + p).fma(wv, s5);
            s6 = FloatVector.fromArray(FLOAT, a, a0 + 6 * lda + p).fma(wv, s6);
            s7 = FloatVector.fromArray(FLOAT, a, a0 + 7 * lda + p).fma(wv, s7);
        }
        store(s0, p, k, a, a0, w, wOff, c, cAt, accumulate);
        store(s1, p, k, a, a0 + lda, w, wOff, c, cAt + ldc, accumulate);
        store(s2, p, k, a, a0 + 2 * lda, w, wOff, c, cAt + 2 * ldc, accumulate);
        store(s3, p, k, a, a0 + 3 * lda, w, wOff, c, cAt + 3 * ldc, accumulate);
        store(s4, p, k, a, a0 + 4 * lda, w, wOff, c, cAt + 4 * ldc, accumulate);
        store(s5, p, k, a, a0 + 5 * lda, w, wOff, c, cAt + 5 * ldc, accumulate);
        store(s6, p, k, a, a0 + 6 * lda, w, wOff, c, cAt + 6 * ldc, accumulate);
        store(s7, p, k, a, a0 + 7 * lda, w, wOff, c, cAt + 7 * ldc, accumulate);
    }

    /** Reduces one row's vector sum, adds the scalar tail from p to k, and writes (or adds) it to C. */
    private static void store(FloatVector partial, int p, int k, float[] a, int aRow, float[] w, int wOff,
                              float[] c, int at, boolean accumulate) {
        float sum = Simd.sum(partial);
        for (int q = p; q < k; q++) {
            sum += a[aRow + q] * w[wOff + q];
        }
        c[at] = accumulate ? c[at] + sum : sum;
    }
}
