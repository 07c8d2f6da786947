package dev.cortado.autograd;

import dev.cortado.tensor.Convolution;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Conv2dParams;

/** Differentiable 2-D convolution. */
public final class ConvOps {
    private ConvOps() {
    }

    /**
     * conv2d(x [N, C, H, W], w [O, C/groups, KH, KW]) + b [O] → [N, O, OH, OW]; {@code bias} may be null.
     * Backward uses tensor-core's two backward convolutions: dx = conv2dInputGrad(g, w) (the transposed
     * convolution) and dw = conv2dWeightGrad(x, g) (the correlation of input and output gradient);
     * db = Σ g over N, OH, OW.
     */
    public static Variable conv2d(Variable x, Variable weight, Variable bias, Conv2dParams params) {
        Tensor in = x.data(), w = weight.data();
        Tensor out = Convolution.conv2d(in, w, bias == null ? null : bias.data(), params);
        int[] inShape = in.shape(), weightShape = w.shape();
        Backward backward = g -> {
            Tensor dx = x.requiresGrad() ? Convolution.conv2dInputGrad(g, w, inShape, params) : null;
            Tensor dw = weight.requiresGrad() ? Convolution.conv2dWeightGrad(in, g, weightShape, params) : null;
            Tensor db = bias != null && bias.requiresGrad() ? Reductions.sum(g, new int[] {0, 2, 3}, false) : null;
            return bias == null ? new Tensor[] {dx, dw} : new Tensor[] {dx, dw, db};
        };
        Tensor[] saved = {in, w};
        return bias == null ? Node.record("conv2d", out, saved, backward, x, weight)
                : Node.record("conv2d", out, saved, backward, x, weight, bias);
    }
}
