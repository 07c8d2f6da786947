package dev.cortado.nn;

import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Tensor;

import java.util.Arrays;

/**
 * A low-rank adapter (LoRA, Hu et al. 2021) on one weight. In a {@link Linear}, made by
 * {@link Linear#enableLoRA}: the layer computes y = x·Wᵀ + b + (dropout(x)·Aᵀ·Bᵀ)·α/r for x {@code [..., in]},
 * with A {@code [r, in]} (Kaiming-uniform with a = √5, as PEFT) and B {@code [out, r]} (zeros, so the
 * layer starts exactly as it was). A, B and the dropout are registered on the Linear itself, so the keys are
 * {@code weight}, {@code bias}, {@code lora_A}, {@code lora_B} next to each other, and the parent modules
 * call the Linear as usual: the adapter takes part wherever the Linear does.
 *
 * <p>{@link #merge()} folds ΔW = B·A·α/r into W for deployment (the adapter branch is then skipped, and a
 * state dict without the {@code lora_*} keys, {@link LoRA#withoutAdapters}, is the plain model's).
 * It keeps a copy of the unmerged W, which {@link #unmerge()} writes back, so the round trip is exact, bit for
 * bit, at the cost of one copy of W while merged. W is not meant to change while merged: unmerge restores
 * it as it was at merge time.
 *
 * <p>Other owners (an ONNX graph's MatMul weights) build one with the public constructor: they register
 * A, B and the dropout themselves, and W may be stored {@code [in, out]} ({@code weightInOut}), in which case
 * merge adds ΔWᵀ; the forward branch is the same.
 */
public final class LoRAAdapter {
    private final Module owner;
    private final String label;
    private final Variable weight;
    private final boolean weightInOut;
    private final int rank;
    private final float alpha;
    private final Variable loraA;
    private final Variable loraB;
    private final Dropout dropout;
    private Tensor unmergedWeight;

    /**
     * @param owner       the module that registered A, B and the dropout (its path names the adapter in errors)
     * @param label       what the adapter is, for errors, e.g. {@code "LoRA"}
     * @param weight      W, {@code [out, in]}, or {@code [in, out]} when {@code weightInOut}
     * @param loraA       A {@code [r, in]}, initialised with {@link #initialA}
     * @param loraB       B {@code [out, r]}, initialised to zeros
     * @param dropout     applied to the adapter's input
     */
    public LoRAAdapter(Module owner, String label, Variable weight, boolean weightInOut, float alpha,
                       Variable loraA, Variable loraB, Dropout dropout) {
        int[] w = weight.shape();
        if (w.length != 2 || loraA.dim() != 2 || loraB.dim() != 2 || loraA.size(1) != w[weightInOut ? 0 : 1]
                || loraB.size(0) != w[weightInOut ? 1 : 0] || loraB.size(1) != loraA.size(0)) {
            throw new IllegalArgumentException(owner.path() + " (" + label + "): A " + Arrays.toString(
                    loraA.shape()) + " and B " + Arrays.toString(loraB.shape()) + " do not fit W "
                    + Arrays.toString(weight.shape()) + (weightInOut ? " [in, out]" : " [out, in]"));
        }
        this.owner = owner;
        this.label = label;
        this.weight = weight;
        this.weightInOut = weightInOut;
        this.rank = loraA.size(0);
        this.alpha = alpha;
        this.loraA = loraA;
        this.loraB = loraB;
        this.dropout = dropout;
    }

    /**
     * A new adapter on {@code owner}'s weight W {@code [out, in]}, its parts registered on the owner as
     * {@code keyPrefix + "lora_A"} {@code [r, in]} ({@link #initialA}), {@code keyPrefix + "lora_B"}
     * {@code [out, r]} (zeros) and {@code keyPrefix + "lora_dropout"}.
     */
    public static LoRAAdapter attach(Module owner, String keyPrefix, String label, Variable weight, int rank,
                                     float alpha, float dropout, long seed) {
        Dropout drop = new Dropout(dropout, Init.derive(seed, 1));
        Variable a = owner.registerParameter(keyPrefix + "lora_A", initialA(rank, weight.size(1), Init.derive(seed, 0)));
        Variable b = owner.registerParameter(keyPrefix + "lora_B", Tensor.zeros(weight.size(0), rank));
        owner.registerModule(keyPrefix + "lora_dropout", drop);
        return new LoRAAdapter(owner, label, weight, false, alpha, a, b, drop);
    }

    /** A's initial value {@code [r, in]}: Kaiming-uniform with a = √5, as PEFT. */
    public static Tensor initialA(int rank, int inFeatures, long seed) {
        return Init.kaimingUniform(seed, inFeatures, Math.sqrt(5), rank, inFeatures);
    }

    /** y + (dropout(x)·Aᵀ·Bᵀ)·α/r, or {@code y} itself once merged; x {@code [..., in]}, y {@code [..., out]}. */
    public Variable addTo(Variable y, Variable x) {
        return addTo(y, x, 0, loraB.size(0));
    }

    /**
     * The branch for W's output rows {@code [offset, offset + length)} only, for an owner that computes those
     * rows of W separately (the q, k or v third of a packed {@code [3E, E]} projection):
     * y + (dropout(x)·Aᵀ·B[offset : offset + length]ᵀ)·α/r, since rows of ΔW = B·A are rows of B times A.
     * x {@code [..., in]}, y {@code [..., length]}; {@code y} itself once merged.
     */
    public Variable addTo(Variable y, Variable x, int offset, int length) {
        int out = loraB.size(0);
        if (offset < 0 || length < 1 || offset + length > out) {
            throw new IllegalArgumentException(owner.path() + " (" + label + "): rows [" + offset + ", "
                    + (offset + length) + ") are outside W's " + out + " output rows");
        }
        if (isMerged()) {
            return y;
        }
        Variable b = length == out ? loraB : ShapeOps.narrow(loraB, 0, offset, length);      // [length, r]
        Variable down = LinalgOps.linear(dropout.forward(x), loraA, null);                   // [..., r]
        return MathOps.add(y, MathOps.mul(LinalgOps.linear(down, b, null), scaling()));       // [..., length]
    }

    /** W ← W + ΔW (W + ΔWᵀ when W is {@code [in, out]}); the forward then costs what the plain op costs. */
    public void merge() {
        if (isMerged()) {
            throw new IllegalStateException(owner.path() + " (" + label + "): already merged");
        }
        Tensor w = weight.data();
        unmergedWeight = w.copy();
        w.copyFrom(Elementwise.add(w, weightInOut ? delta().t() : delta()));
    }

    /** Writes back the weight saved by {@link #merge()}: exactly the values W had before it. */
    public void unmerge() {
        if (!isMerged()) {
            throw new IllegalStateException(owner.path() + " (" + label + "): not merged");
        }
        weight.data().copyFrom(unmergedWeight);
        unmergedWeight = null;
    }

    public boolean isMerged() {
        return unmergedWeight != null;
    }

    /** ΔW = B·A·α/r, {@code [out, in]}. */
    public Tensor delta() {
        return Elementwise.mul(LinearAlgebra.mm(loraB.data(), loraA.data()), scaling());
    }

    /** α / r. */
    public float scaling() {
        return alpha / rank;
    }

    public int rank() {
        return rank;
    }

    public float alpha() {
        return alpha;
    }

    public Variable loraA() {
        return loraA;
    }

    public Variable loraB() {
        return loraB;
    }

    /** {@code lora_r=…, lora_alpha=…[, merged]} for the Linear's printout. */
    String repr() {
        return repr("");
    }

    /**
     * {@code <prefix>lora_r=…, <prefix>lora_alpha=…[, merged]} for the owner's printout, the prefix naming the
     * adapted weight where the owner has several ({@code "in_proj_"}).
     */
    public String repr(String prefix) {
        return prefix + "lora_r=" + rank + ", " + prefix + "lora_alpha=" + Repr.number(alpha)
                + (isMerged() ? ", merged" : "");
    }
}
