package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;
import dev.cortado.tensor.reference.ScalarMath;

/**
 * The default backend: Vector API kernels ({@link Simd#FLOAT} species) spread over a fork-join pool.
 * Ops without a profitable SIMD form (index gathers, top-k) run the reference loops split over rows.
 */
public final class CpuBackend implements Backend {
    private static volatile CpuBackend shared;

    private final Parallel parallel;

    /** A CPU backend with its own pool of {@code threads} threads (the caller counts as one). */
    public CpuBackend(int threads) {
        this.parallel = new Parallel(threads);
    }

    /**
     * The process-wide CPU backend, with {@code -Dcortado.threads=N} threads or one per available
     * processor.
     */
    public static CpuBackend shared() {
        CpuBackend backend = shared;
        if (backend == null) {
            synchronized (CpuBackend.class) {
                if (shared == null) {
                    shared = new CpuBackend(defaultThreads());
                }
                backend = shared;
            }
        }
        return backend;
    }

    private static int defaultThreads() {
        String configured = System.getProperty("cortado.threads");
        if (configured == null || configured.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            return Integer.parseInt(configured.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cortado.threads must be a positive integer, got '" + configured + "'", e);
        }
    }

    /** Threads that share each op's work. */
    public int threads() {
        return parallel.threads();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "cpu: Vector API " + Simd.FLOAT + " (" + Simd.LANES + " float lanes, " + Simd.FLOAT.vectorBitSize()
                + "-bit), " + threads() + " thread" + (threads() == 1 ? "" : "s");
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CpuElementwise.copy(parallel, src, dst);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        CpuElementwise.unary(parallel, op, x, out);
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor gradIn) {
        CpuElementwise.unaryBackward(parallel, op, x, gradOut, gradIn);
    }

    @Override
    public void clamp(Tensor x, float min, float max, Tensor out) {
        CpuElementwise.clamp(parallel, x, min, max, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        CpuElementwise.binary(parallel, op, a, b, out);
    }

    @Override
    public void compare(CompareOp op, Tensor a, Tensor b, Tensor out) {
        CpuElementwise.compare(parallel, op, a, b, out);
    }

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor out) {
        CpuDropout.dropout(parallel, x, p, seed, out);
    }

    @Override
    public void where(Tensor condition, Tensor a, Tensor b, Tensor out) {
        CpuElementwise.where(parallel, condition, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int reducedDims, Tensor out) {
        CpuReductions.reduce(parallel, op, x, reducedDims, out);
    }

    @Override
    public void variance(Tensor x, int reducedDims, int correction, Tensor out) {
        CpuReductions.variance(parallel, x, reducedDims, correction, out);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int reducedDims, Tensor out) {
        CpuReductions.argReduce(parallel, max, x, reducedDims, out);
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, Tensor out, Tensor probs) {
        CpuAttention.forward(parallel, q, k, v, mask, scale, out, probs);
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor gradOut, float scale,
                                  Tensor gradQ, Tensor gradK, Tensor gradV) {
        CpuAttention.backward(parallel, q, k, v, probs, gradOut, scale, gradQ, gradK, gradV);
    }

    @Override
    public void softmax(Tensor x, Tensor out, boolean log) {
        CpuRows.softmax(parallel, x, out, log);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gradOut, Tensor gradIn, boolean log) {
        CpuRows.softmaxBackward(parallel, y, gradOut, gradIn, log);
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut, Tensor gradIn,
                                  Tensor gradWeight, Tensor gradBias) {
        CpuRows.layerNormBackward(parallel, x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias);
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd) {
        CpuRows.layerNorm(parallel, x, weight, bias, eps, out, mean, rstd);
    }

    @Override
    public void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        CpuIndexing.topk(parallel, x, k, largest, values, indices);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        CpuMatmul.matmul(parallel, a, b, out);
    }

    /** Fused: the GEMM starts its tiles from the bias ({@link Sgemm#multiplyAddBias}). */
    @Override
    public void matmulAddBias(Tensor a, Tensor b, Tensor bias, Tensor out) {
        Sgemm.multiplyAddBias(parallel, a.size(0), b.size(1), a.size(1),
                a.floatData(), a.offset(), a.stride(0), a.stride(1),
                b.floatData(), b.offset(), b.stride(0), b.stride(1),
                bias.floatData(), bias.offset(), out.floatData(), out.offset(), out.stride(0));
    }

    @Override
    public void conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
        CpuConvolution.conv2d(parallel, input, weight, bias, params, out);
    }

    @Override
    public void conv2dInputGrad(Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradInput) {
        CpuConvolution.conv2dInputGrad(parallel, gradOut, weight, params, gradInput);
    }

    @Override
    public void conv2dWeightGrad(Tensor input, Tensor gradOut, Conv2dParams params, Tensor gradWeight) {
        CpuConvolution.conv2dWeightGrad(parallel, input, gradOut, params, gradWeight);
    }

    @Override
    public void maxPool2d(Tensor input, Pool2dParams params, Tensor out, Tensor indices) {
        CpuPooling.maxPool2d(parallel, input, params, out, indices);
    }

    @Override
    public void avgPool2d(Tensor input, Pool2dParams params, Tensor out) {
        CpuPooling.avgPool2d(parallel, input, params, out);
    }

    @Override
    public void adaptiveAvgPool2d(Tensor input, Tensor out) {
        CpuPooling.adaptiveAvgPool2d(parallel, input, out);
    }

    @Override
    public void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradInput) {
        CpuPooling.avgPool2dBackward(parallel, gradOut, params, gradInput);
    }

    @Override
    public void adaptiveAvgPool2dBackward(Tensor gradOut, Tensor gradInput) {
        CpuPooling.adaptiveAvgPool2dBackward(parallel, gradOut, gradInput);
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        CpuIndexing.gather(parallel, x, dim, index, out);
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        CpuIndexing.indexSelect(parallel, x, dim, index, out);
    }

    @Override
    public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        CpuIndexing.scatterAdd(parallel, dst, dim, index, src);
    }
}
