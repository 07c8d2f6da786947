package dev.cortado.autograd;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LayerNorm;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;

import java.util.stream.IntStream;

/** Differentiable normalisation layers' maths. */
public final class NormOps {
    private NormOps() {
    }

    /**
     * Layer norm over the trailing {@code normalizedShape} dims: y = x̂·w + b, x̂ = (x − μ)·r, r = 1/√(σ² + eps).
     * With ĝ = g·w and means taken over the normalised dims (Ba et al., 2016, differentiated):
     * dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); dw = Σ g·x̂ and db = Σ g over the leading dims.
     * {@code weight} and {@code bias} may be null.
     */
    public static Variable layerNorm(Variable x, int[] normalizedShape, Variable weight, Variable bias, float eps) {
        Tensor in = x.data();
        Tensor w = weight == null ? null : weight.data();
        LayerNorm.Result result = LayerNorm.layerNormWithStats(in, normalizedShape, w,
                bias == null ? null : bias.data(), eps);
        int lead = in.dim() - normalizedShape.length;
        int[] normDims = IntStream.range(lead, in.dim()).toArray();
        int[] leadDims = IntStream.range(0, lead).toArray();
        Tensor mean = result.mean(), rstd = result.rstd();
        Backward backward = g -> {
            Tensor xHat = Elementwise.mul(Elementwise.sub(in, mean), rstd);
            Tensor gHat = w == null ? g : Elementwise.mul(g, w);
            Tensor dx = null;
            if (x.requiresGrad()) {
                Tensor meanG = Reductions.mean(gHat, normDims, true);
                Tensor meanGx = Reductions.mean(Elementwise.mul(gHat, xHat), normDims, true);
                dx = Elementwise.mul(rstd, Elementwise.sub(Elementwise.sub(gHat, meanG), Elementwise.mul(xHat, meanGx)));
            }
            Tensor dw = weight != null && weight.requiresGrad()
                    ? Reductions.sum(Elementwise.mul(g, xHat), leadDims, false) : null;
            Tensor db = bias != null && bias.requiresGrad() ? Reductions.sum(g, leadDims, false) : null;
            return new Tensor[] {dx, dw, db};
        };
        // An absent weight or bias is passed as an empty constant so that gradients line up with inputs.
        Variable noWeight = Variable.constant(Tensor.zeros(0));
        return Node.record("layer_norm", result.output(), new Tensor[] {in}, backward, x,
                weight == null ? noWeight : weight, bias == null ? noWeight : bias);
    }
}
