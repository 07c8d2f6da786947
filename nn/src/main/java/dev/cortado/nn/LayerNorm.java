package dev.cortado.nn;

import dev.cortado.autograd.NormOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Tensor;

import java.util.Arrays;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dims, as torch.nn.LayerNorm:
 * y = (x − E[x]) / √(Var[x] + eps) · weight + bias, weight initialised to 1 and bias to 0.
 */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final float eps;
    private final Variable weight;
    private final Variable bias;

    /** PyTorch's default epsilon, which {@link #LayerNorm(int)} uses. */
    public static final float DEFAULT_EPS = 1e-5f;

    /** Normalises over the last dim of size {@code features}, eps = {@value #DEFAULT_EPS}, with affine parameters. */
    public LayerNorm(int features) {
        this(new int[] {features}, DEFAULT_EPS, true);
    }

    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(n -> n < 1) || !(eps >= 0)) {
            throw new IllegalArgumentException("LayerNorm: normalized shape must be non-empty and positive and eps "
                    + ">= 0, got " + Arrays.toString(normalizedShape) + ", eps=" + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    @Override
    public Variable forward(Variable x) {
        int[] shape = x.shape();
        int lead = shape.length - normalizedShape.length;
        if (lead < 0 || !Arrays.equals(Arrays.copyOfRange(shape, lead, shape.length), normalizedShape)) {
            throw new IllegalArgumentException(path() + " (LayerNorm): expected input of shape [..., "
                    + Arrays.toString(normalizedShape).replaceAll("[\\[\\]]", "") + "] but got " + Arrays.toString(shape));
        }
        return NormOps.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    public Variable weight() {
        return weight;
    }

    public Variable bias() {
        return bias;
    }

    @Override
    protected String extraRepr() {
        return Repr.tuple(normalizedShape) + ", eps=" + Repr.number(eps) + ", elementwise_affine=" + Repr.bool(weight != null);
    }
}
