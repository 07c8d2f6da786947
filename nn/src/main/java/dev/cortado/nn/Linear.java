package dev.cortado.nn;

import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Tensor;

/**
 * y = x·Wᵀ + b, as torch.nn.Linear: x {@code [..., inFeatures]} → y {@code [..., outFeatures]}.
 * Parameters {@code weight [outFeatures, inFeatures]} and {@code bias [outFeatures]}, both initialised
 * U(-1/√in, 1/√in) as in PyTorch. {@link #enableLoRA} adds a low-rank adapter ({@link LoRAAdapter}):
 * y = x·Wᵀ + b + (dropout(x)·Aᵀ·Bᵀ)·α/r.
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Variable weight;
    private final Variable bias;
    private LoRAAdapter lora;

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
        Variable y = LinalgOps.linear(x, weight, bias);
        return lora == null ? y : lora.addTo(y, x);
    }

    /**
     * Adds a LoRA adapter of rank r: registers {@code lora_A [r, in]} (Kaiming-uniform, a = √5),
     * {@code lora_B [out, r]} (zeros) and the child {@code lora_dropout} (probability {@code dropout} on the
     * adapter's input, in training) on this layer. The layer's output is unchanged until B moves. W and b
     * keep their requires-grad flags ({@link LoRA#apply} freezes them).
     */
    public LoRAAdapter enableLoRA(int rank, float alpha, float dropout, long seed) {
        if (lora != null) {
            throw new IllegalArgumentException(path() + " (Linear): already has a LoRA adapter");
        }
        if (rank < 1) {
            throw new IllegalArgumentException(path() + " (Linear): LoRA rank must be positive, got " + rank);
        }
        lora = LoRAAdapter.attach(this, "", "LoRA", weight, rank, alpha, dropout, seed);
        return lora;
    }

    /** The adapter, or {@code null} when none is enabled. */
    public LoRAAdapter lora() {
        return lora;
    }

    /**
     * Drops the adapter and its {@code lora_*} entries. A merged adapter leaves ΔW in the weight (merge, then
     * remove: a plain Linear with the adapted weight); an unmerged one leaves W as it is.
     */
    public void removeLoRA() {
        if (lora == null) {
            throw new IllegalArgumentException(path() + " (Linear): has no LoRA adapter to remove");
        }
        unregister("lora_A");
        unregister("lora_B");
        unregister("lora_dropout");
        lora = null;
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
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + Repr.bool(bias != null)
                + (lora == null ? "" : ", " + lora.repr());
    }
}
