package dev.cortado.nn;

import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.Variable;

/**
 * y = x·Wᵀ + b, as torch.nn.Linear: x {@code [..., inFeatures]} → y {@code [..., outFeatures]}.
 * Parameters {@code weight [outFeatures, inFeatures]} and {@code bias [outFeatures]}, both initialised
 * U(-1/√in, 1/√in) as in PyTorch.
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Variable weight;
    private final Variable bias;

    public Linear(int inFeatures, int outFeatures, long seed) {
        this(inFeatures, outFeatures, true, seed);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias, long seed) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: features must be positive, got in=" + inFeatures
                    + " out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight",
                Init.kaimingUniform(Init.derive(seed, 0), inFeatures, Math.sqrt(5), outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias",
                Init.uniform(Init.derive(seed, 1), (float) (1 / Math.sqrt(inFeatures)), outFeatures)) : null;
    }

    @Override
    public Variable forward(Variable x) {
        if (x.dim() == 0 || x.size(x.dim() - 1) != inFeatures) {
            throw new IllegalArgumentException(path() + " (Linear): expected input of shape [..., " + inFeatures
                    + "] but got " + java.util.Arrays.toString(x.shape()));
        }
        return LinalgOps.linear(x, weight, bias);
    }

    public Variable weight() {
        return weight;
    }

    /** The bias, or {@code null} when built without one. */
    public Variable bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + Repr.bool(bias != null);
    }
}
