package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;

/**
 * Batched matrix product on {@link Sgemm}: one GEMM per batch entry, reading a and b through their strides
 * (transposed, sliced and broadcast operands are not copied).
 */
final class CpuMatmul {
    /** Below this many flops per product, threads share out whole products instead of splitting each one. */
    private static final long SMALL_PRODUCT_FLOPS = 1L << 22;

    private CpuMatmul() {
    }

    /** {@code out[b] = a[b] · b[b]} for a [B, M, K], b [B, K, N] (batch strides may be 0), out [B, M, N]. */
    static void matmul(Parallel parallel, Tensor a, Tensor b, Tensor out) {
        int[] outShape = out.shape();
        int batches = outShape[0];
        int m = outShape[1];
        int n = outShape[2];
        int k = a.size(2);
        if (out.numel() == 0) {
            return;
        }
        // Sgemm writes C rows with unit column stride; any other output layout goes through a dense buffer.
        Tensor c = out.stride(2) == 1 ? out : Tensor.zeros(outShape);
        int[] as = a.strides();
        int[] bs = b.strides();
        int[] cs = c.strides();
        float[] av = a.floatData();
        float[] bv = b.floatData();
        float[] cv = c.floatData();
        long flops = 2L * m * n * k;
        boolean batchParallel = batches >= parallel.threads() && flops < SMALL_PRODUCT_FLOPS;
        Parallel inner = batchParallel ? null : parallel;
        boolean small = batchParallel && SgemmSmall.fits(m, n, k, bs[2]);
        Parallel.RangeTask products = small ? (start, end) -> {
            for (int batch = start; batch < end; batch++) {
                SgemmSmall.multiply(m, n, k,
                        av, a.offset() + batch * as[0], as[1], as[2],
                        bv, b.offset() + batch * bs[0], bs[1],
                        cv, c.offset() + batch * cs[0], cs[1]);
            }
        } : (start, end) -> {
            for (int batch = start; batch < end; batch++) {
                Sgemm.multiply(inner, m, n, k,
                        av, a.offset() + batch * as[0], as[1], as[2],
                        bv, b.offset() + batch * bs[0], bs[1], bs[2],
                        cv, c.offset() + batch * cs[0], cs[1], false);
            }
        };
        if (batchParallel) {
            parallel.forRange(batches, (int) Math.max(1, SMALL_PRODUCT_FLOPS / Math.max(flops, 1)), products);
        } else {
            products.run(0, batches);
        }
        if (c != out) {
            scatter(c, out);
        }
    }

    /** Copies the dense [B, M, N] result into an output whose last dim is strided. */
    private static void scatter(Tensor dense, Tensor out) {
        float[] src = dense.floatData();
        float[] dst = out.floatData();
        int[] shape = out.shape();
        int[] os = out.strides();
        int at = 0;
        for (int batch = 0; batch < shape[0]; batch++) {
            for (int i = 0; i < shape[1]; i++) {
                for (int j = 0; j < shape[2]; j++) {
                    dst[out.offset() + batch * os[0] + i * os[1] + j * os[2]] = src[at++];
                }
            }
        }
    }
}
