package dev.cortado.autograd;

import dev.cortado.tensor.Pooling;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Pool2dParams;

/**
 * Differentiable pooling over the {@code [H, W]} planes of {@code [N, C, H, W]} (or {@code [C, H, W]})
 * inputs. Each backward is one of tensor-core's pooling gradients.
 */
public final class PoolOps {
    private PoolOps() {
    }

    /**
     * The maximum of each window. Only the position that won a window (the first of equal maxima, as in
     * PyTorch) receives that output's gradient; the forward keeps the argmax indices for it.
     */
    public static Variable maxPool2d(Variable x, Pool2dParams params) {
        int[] inShape = x.shape();
        Pooling.MaxPoolResult result = Pooling.maxPool2dWithIndices(x.data(), params);
        Tensor indices = result.indices();
        return Node.record("max_pool2d", result.values(), new Tensor[] {indices},
                g -> new Tensor[] {Pooling.maxPool2dBackward(g, indices, inShape)}, x);
    }

    /** The mean of each window; every input in a window gets the output gradient over the window's divisor. */
    public static Variable avgPool2d(Variable x, Pool2dParams params) {
        int[] inShape = x.shape();
        return Node.record("avg_pool2d", Pooling.avgPool2d(x.data(), params), new Tensor[0],
                g -> new Tensor[] {Pooling.avgPool2dBackward(g, inShape, params)}, x);
    }

    /** Adaptive average pooling to {@code outH × outW}; the gradient is spread evenly over each window. */
    public static Variable adaptiveAvgPool2d(Variable x, int outH, int outW) {
        int[] inShape = x.shape();
        return Node.record("adaptive_avg_pool2d", Pooling.adaptiveAvgPool2d(x.data(), outH, outW), new Tensor[0],
                g -> new Tensor[] {Pooling.adaptiveAvgPool2dBackward(g, inShape)}, x);
    }
}
