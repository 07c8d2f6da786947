package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/**
 * The specification of every op: plain scalar loops over strided indices, accumulating in double where
 * that makes the result the exactly rounded one. Slow on purpose; select it with
 * {@code -Dcortado.backend=reference} to rule out the vector kernels when in doubt.
 */
public final class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private ReferenceBackend() {
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String describe() {
        return "reference: scalar Java loops, 1 thread (the specification other backends are tested against)";
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        ReferenceElementwise.copy(src, dst);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        ReferenceElementwise.unary(op, x, out);
    }

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor out) {
        float[] src = x.floatData();
        float[] dst = out.floatData();
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float scale = 1 / (1 - p);
        for (int i = 0; i < x.numel(); i++) {
            dst[out.offset() + i] = (float) random.nextDouble() >= p ? src[x.offset() + i] * scale : 0f;
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor gradIn) {
        ReferenceElementwise.unaryBackward(op, x, gradOut, gradIn);
    }

    @Override
    public void clamp(Tensor x, float min, float max, Tensor out) {
        ReferenceElementwise.clamp(x, min, max, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        ReferenceElementwise.binary(op, a, b, out);
    }

    @Override
    public void compare(CompareOp op, Tensor a, Tensor b, Tensor out) {
        ReferenceElementwise.compare(op, a, b, out);
    }

    @Override
    public void where(Tensor condition, Tensor a, Tensor b, Tensor out) {
        ReferenceElementwise.where(condition, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int reducedDims, Tensor out) {
        ReferenceReductions.reduce(op, x, reducedDims, out);
    }

    @Override
    public void variance(Tensor x, int reducedDims, int correction, Tensor out) {
        ReferenceReductions.variance(x, reducedDims, correction, out);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int reducedDims, Tensor out) {
        ReferenceReductions.argReduce(max, x, reducedDims, out);
    }

    @Override
    public void softmax(Tensor x, Tensor out, boolean log) {
        ReferenceRows.softmax(x, out, log);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gradOut, Tensor gradIn, boolean log) {
        ReferenceRows.softmaxBackward(y, gradOut, gradIn, log);
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut, Tensor gradIn,
                                  Tensor gradWeight, Tensor gradBias) {
        ReferenceRows.layerNormBackward(x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias);
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd) {
        ReferenceRows.layerNorm(x, weight, bias, eps, out, mean, rstd);
    }

    @Override
    public void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        ReferenceIndexing.topk(x, k, largest, values, indices);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        ReferenceMatmul.matmul(a, b, out);
    }

    @Override
    public void conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
        ReferenceConvolution.conv2d(input, weight, bias, params, out);
    }

    @Override
    public void conv2dInputGrad(Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradInput) {
        ReferenceConvolution.conv2dInputGrad(gradOut, weight, params, gradInput);
    }

    @Override
    public void conv2dWeightGrad(Tensor input, Tensor gradOut, Conv2dParams params, Tensor gradWeight) {
        ReferenceConvolution.conv2dWeightGrad(input, gradOut, params, gradWeight);
    }

    @Override
    public void maxPool2d(Tensor input, Pool2dParams params, Tensor out, Tensor indices) {
        ReferencePooling.maxPool2d(input, params, out, indices);
    }

    @Override
    public void avgPool2d(Tensor input, Pool2dParams params, Tensor out) {
        ReferencePooling.avgPool2d(input, params, out);
    }

    @Override
    public void adaptiveAvgPool2d(Tensor input, Tensor out) {
        ReferencePooling.adaptiveAvgPool2d(input, out);
    }

    @Override
    public void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradInput) {
        ReferencePooling.avgPool2dBackward(gradOut, params, gradInput);
    }

    @Override
    public void adaptiveAvgPool2dBackward(Tensor gradOut, Tensor gradInput) {
        ReferencePooling.adaptiveAvgPool2dBackward(gradOut, gradInput);
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        ReferenceIndexing.gather(x, dim, index, out);
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        ReferenceIndexing.indexSelect(x, dim, index, out);
    }

    @Override
    public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        ReferenceIndexing.scatterAdd(dst, dim, index, src);
    }
}
