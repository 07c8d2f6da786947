package dev.cortado.tensor.cpu;

/** PLACEHOLDER-PENDING: naive loops until the packed kernel lands. */
public final class Sgemm {
    private Sgemm() {
    }

    /**
     * {@code C = A·B} (or {@code C += A·B} when {@code accumulate}) for A m×k, B k×n, C m×n.
     * Element (i, p) of A is {@code a[aOff + i·aRowStride + p·aColStride]} (so a transposed operand is just
     * swapped strides), likewise B; C is row-major with leading dimension {@code ldc}.
     * {@code parallel} may be null for single-threaded use (e.g. from inside an already parallel loop).
     */
    public static void multiply(Parallel parallel, int m, int n, int k,
                                float[] a, int aOff, int aRowStride, int aColStride,
                                float[] b, int bOff, int bRowStride, int bColStride,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = accumulate ? c[cOff + i * ldc + j] : 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[aOff + i * aRowStride + p * aColStride] * b[bOff + p * bRowStride + j * bColStride];
                }
                c[cOff + i * ldc + j] = sum;
            }
        }
    }
}
