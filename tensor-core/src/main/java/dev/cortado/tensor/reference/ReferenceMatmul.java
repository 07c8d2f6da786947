package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;

/** Batched matrix product by its definition, one dot product per output element, summed in double. */
final class ReferenceMatmul {
    private ReferenceMatmul() {
    }

    /**
     * {@code out[b, i, j] = Σ_p a[b, i, p] · b[b, p, j]} for a [B, M, K], b [B, K, N], out [B, M, N], all with
     * any strides.
     */
    static void matmul(Tensor a, Tensor b, Tensor out) {
        int[] as = a.strides();
        int[] bs = b.strides();
        int[] os = out.strides();
        int[] outShape = out.shape();
        int batches = outShape[0];
        int m = outShape[1];
        int n = outShape[2];
        int k = a.size(2);
        float[] av = a.floatData();
        float[] bv = b.floatData();
        float[] ov = out.floatData();
        for (int batch = 0; batch < batches; batch++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int aAt = a.offset() + batch * as[0] + i * as[1];
                    int bAt = b.offset() + batch * bs[0] + j * bs[2];
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) av[aAt + p * as[2]] * bv[bAt + p * bs[1]];
                    }
                    ov[out.offset() + batch * os[0] + i * os[1] + j * os[2]] = (float) sum;
                }
            }
        }
    }
}
