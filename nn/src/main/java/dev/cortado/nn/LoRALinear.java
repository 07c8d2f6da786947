package dev.cortado.nn;

import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Tensor;

/**
 * A Linear layer with a low-rank adapter (LoRA, Hu et al. 2021):
 * y = x·Wᵀ + b + (dropout(x)·Aᵀ·Bᵀ)·α/r, for x {@code [..., in]}, frozen W {@code [out, in]} and b, trainable
 * A {@code [r, in]} (Kaiming-uniform with a = √5, as PEFT) and B {@code [out, r]} (zeros, so the layer starts
 * exactly as the wrapped one).
 *
 * <p>Keys: {@code weight} and {@code bias} (the wrapped layer's own tensors, shared, under the names they had
 * in the Linear), {@code lora_A}, {@code lora_B}; so after {@link #merge()} a state dict without the
 * {@code lora_*} keys ({@link LoRA#withoutAdapters}) loads into the plain model. The base parameters are
 * frozen on construction.
 *
 * <p>{@link #merge()} adds ΔW = B·A·α/r to W for deployment (the adapter branch is then skipped);
 * {@link #unmerge()} subtracts the same ΔW. The round trip restores W up to float rounding: each element
 * is off by at most about one ulp of |W| + |ΔW|.
 */
public class LoRALinear extends Module {
    private final Linear base;
    private final int rank;
    private final float alpha;
    private final Variable weight;
    private final Variable bias;
    private final Variable loraA;
    private final Variable loraB;
    private boolean merged;

    public LoRALinear(Linear base, int rank, float alpha, float dropout, long seed) {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRALinear: rank must be positive, got " + rank);
        }
        this.base = base;
        this.rank = rank;
        this.alpha = alpha;
        int in = base.inFeatures(), out = base.outFeatures();
        weight = registerParameter("weight", base.weight().data()).setRequiresGrad(false);
        bias = base.bias() == null ? null : registerParameter("bias", base.bias().data()).setRequiresGrad(false);
        loraA = registerParameter("lora_A", Init.kaimingUniform(Init.derive(seed, 0), in, Math.sqrt(5), rank, in));
        loraB = registerParameter("lora_B", Tensor.zeros(out, rank));
        registerModule("lora_dropout", new Dropout(dropout, Init.derive(seed, 1)));
    }

    @Override
    public Variable forward(Variable x) {
        if (x.dim() == 0 || x.size(x.dim() - 1) != base.inFeatures()) {
            throw new IllegalArgumentException(path() + " (LoRALinear): expected input of shape [..., "
                    + base.inFeatures() + "] but got " + java.util.Arrays.toString(x.shape()));
        }
        Variable y = LinalgOps.linear(x, weight, bias);
        if (merged) {
            return y;
        }
        Variable down = LinalgOps.linear(child("lora_dropout").forward(x), loraA, null);   // [..., r]
        return MathOps.add(y, MathOps.mul(LinalgOps.linear(down, loraB, null), scaling()));
    }

    /** α / r. */
    public float scaling() {
        return alpha / rank;
    }

    /** Folds B·A·α/r into the base weight; the forward then costs what the plain Linear costs. */
    public void merge() {
        if (merged) {
            throw new IllegalStateException(path() + " (LoRALinear): already merged");
        }
        weight.data().copyFrom(Elementwise.add(weight.data(), delta()));
        weight.data().markModified();
        merged = true;
    }

    /** Subtracts B·A·α/r from the base weight again (see the class notes on rounding). */
    public void unmerge() {
        if (!merged) {
            throw new IllegalStateException(path() + " (LoRALinear): not merged");
        }
        weight.data().copyFrom(Elementwise.sub(weight.data(), delta()));
        weight.data().markModified();
        merged = false;
    }

    public boolean isMerged() {
        return merged;
    }

    private Tensor delta() {
        return Elementwise.mul(LinearAlgebra.mm(loraB.data(), loraA.data()), scaling());
    }

    /** The wrapped layer (its weight tensor is this layer's {@code weight}, merged or not). */
    public Linear base() {
        return base;
    }

    public Variable loraA() {
        return loraA;
    }

    public Variable loraB() {
        return loraB;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + base.inFeatures() + ", out_features=" + base.outFeatures() + ", r=" + rank
                + ", alpha=" + alpha + (merged ? ", merged" : "");
    }
}
