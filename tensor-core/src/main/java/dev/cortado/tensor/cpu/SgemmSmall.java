package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Products small enough to live in L1 (attention's per-head [L, d]·[d, L] and [L, L]·[L, d]), where
 * {@link Sgemm}'s packing and 12-row tiles cost more than they save (a 50-row operand fills four tiles and
 * computes a fifth mostly empty one). Nothing is packed: A is read element by element, B's rows as vectors.
 * Measured on [256 × 50 × 50]·[50 × 32] (attention weights times values), 2 threads: 0.45 ms against
 * 1.6 ms through Sgemm.
 *
 * <pre>
 * for each strip of two vectors of columns j (masked where it passes n)
 *   for i in steps of 4 rows                   8 accumulators: 4 rows × 2 vectors
 *     for p in 0..k:  acc[r] += A[i + r, p] · B[p, strip]
 * </pre>
 */
final class SgemmSmall {
    /** Largest m, n and k taken here; beyond, Sgemm's blocking pays for itself. */
    static final int MAX_SIDE = 128;

    private SgemmSmall() {
    }

    /**
     * Whether this kernel takes the product: every side at most {@link #MAX_SIDE} and B's rows contiguous
     * (a transposed B, as in Q·Kᵀ, would need a copy that costs what the kernel saves; measured).
     */
    static boolean fits(int m, int n, int k, int bColStride) {
        return m <= MAX_SIDE && n <= MAX_SIDE && k <= MAX_SIDE && bColStride == 1;
    }

    /** C = A·B with A m×k at any strides, B k×n with contiguous rows, C row-major with leading dimension ldc. */
    static void multiply(int m, int n, int k,
                         float[] a, int aOff, int aRowStride, int aColStride,
                         float[] rows, int rowsOff, int rowsStride,
                         float[] c, int cOff, int ldc) {
        int lanes = FLOAT.length();
        for (int j = 0; j < n; j += 2 * lanes) {
            VectorMask<Float> left = FLOAT.indexInRange(j, n);
            VectorMask<Float> right = FLOAT.indexInRange(j + lanes, n);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                fourRows(k, a, aOff + i * aRowStride, aRowStride, aColStride, rows, rowsOff + j, rowsStride,
                        c, cOff + i * ldc + j, ldc, left, right);
            }
            for (; i < m; i++) {
                oneRow(k, a, aOff + i * aRowStride, aColStride, rows, rowsOff + j, rowsStride, c, cOff + i * ldc + j,
                        left, right);
            }
        }
    }

    /*
     * The tiles are separate methods on purpose: as one method the kernel has too many vector values for C1's
     * register allocator, its profiled (tier 3) compile is skipped, and it then never reaches C2 (observed with
     * -XX:+PrintCompilation: stuck in C1 code, where every vector op is a Java fallback, 10× slower).
     */

    /** Rows i..i+3 by two vectors of columns: 8 accumulators, one B row pair and 4 broadcasts per step p. */
    private static void fourRows(int k, float[] a, int a0, int aRowStride, int aColStride,
                                 float[] rows, int b0, int rowsStride, float[] c, int c0, int ldc,
                                 VectorMask<Float> left, VectorMask<Float> right) {
        int lanes = FLOAT.length();
        FloatVector l0 = FloatVector.zero(FLOAT), r0 = FloatVector.zero(FLOAT);
        FloatVector l1 = FloatVector.zero(FLOAT), r1 = FloatVector.zero(FLOAT);
        FloatVector l2 = FloatVector.zero(FLOAT), r2 = FloatVector.zero(FLOAT);
        FloatVector l3 = FloatVector.zero(FLOAT), r3 = FloatVector.zero(FLOAT);
        for (int p = 0; p < k; p++) {
            int at = b0 + p * rowsStride;
            FloatVector bl = FloatVector.fromArray(FLOAT, rows, at, left);
            FloatVector br = FloatVector.fromArray(FLOAT, rows, at + lanes, right);
            int ap = a0 + p * aColStride;
            FloatVector x0 = FloatVector.broadcast(FLOAT, a[ap]);
            FloatVector x1 = FloatVector.broadcast(FLOAT, a[ap + aRowStride]);
            FloatVector x2 = FloatVector.broadcast(FLOAT, a[ap + 2 * aRowStride]);
            FloatVector x3 = FloatVector.broadcast(FLOAT, a[ap + 3 * aRowStride]);
            l0 = bl.fma(x0, l0);
            r0 = br.fma(x0, r0);
            l1 = bl.fma(x1, l1);
            r1 = br.fma(x1, r1);
            l2 = bl.fma(x2, l2);
            r2 = br.fma(x2, r2);
            l3 = bl.fma(x3, l3);
            r3 = br.fma(x3, r3);
        }
        l0.intoArray(c, c0, left);
        r0.intoArray(c, c0 + lanes, right);
        l1.intoArray(c, c0 + ldc, left);
        r1.intoArray(c, c0 + ldc + lanes, right);
        l2.intoArray(c, c0 + 2 * ldc, left);
        r2.intoArray(c, c0 + 2 * ldc + lanes, right);
        l3.intoArray(c, c0 + 3 * ldc, left);
        r3.intoArray(c, c0 + 3 * ldc + lanes, right);
    }

    /** One row by two vectors of columns (the rows left over below a multiple of 4). */
    private static void oneRow(int k, float[] a, int a0, int aColStride, float[] rows, int b0, int rowsStride,
                               float[] c, int c0, VectorMask<Float> left, VectorMask<Float> right) {
        int lanes = FLOAT.length();
        FloatVector l = FloatVector.zero(FLOAT), r = FloatVector.zero(FLOAT);
        for (int p = 0; p < k; p++) {
            int at = b0 + p * rowsStride;
            FloatVector x = FloatVector.broadcast(FLOAT, a[a0 + p * aColStride]);
            l = FloatVector.fromArray(FLOAT, rows, at, left).fma(x, l);
            r = FloatVector.fromArray(FLOAT, rows, at + lanes, right).fma(x, r);
        }
        l.intoArray(c, c0, left);
        r.intoArray(c, c0 + lanes, right);
    }
}
