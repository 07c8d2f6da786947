package dev.cortado.nn;

import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Tensor;

/**
 * A low-rank adapter (LoRA, Hu et al. 2021) owned by one {@link Linear}, made by
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
 */
public final class LoRAAdapter {
    private final Linear linear;
    private final int rank;
    private final float alpha;
    private final Variable loraA;
    private final Variable loraB;
    private final Dropout dropout;
    private Tensor unmergedWeight;

    LoRAAdapter(Linear linear, int rank, float alpha, Variable loraA, Variable loraB, Dropout dropout) {
        this.linear = linear;
        this.rank = rank;
        this.alpha = alpha;
        this.loraA = loraA;
        this.loraB = loraB;
        this.dropout = dropout;
    }

    /** y + (dropout(x)·Aᵀ·Bᵀ)·α/r, or {@code y} itself once merged; x {@code [..., in]}, y {@code [..., out]}. */
    Variable addTo(Variable y, Variable x) {
        if (isMerged()) {
            return y;
        }
        Variable down = LinalgOps.linear(dropout.forward(x), loraA, null);                   // [..., r]
        return MathOps.add(y, MathOps.mul(LinalgOps.linear(down, loraB, null), scaling()));   // [..., out]
    }

    /** W ← W + B·A·α/r; the forward then costs what the plain Linear costs. */
    public void merge() {
        if (isMerged()) {
            throw new IllegalStateException(linear.path() + " (LoRA): already merged");
        }
        Tensor weight = linear.weight().data();
        unmergedWeight = weight.copy();
        weight.copyFrom(Elementwise.add(weight, delta()));
    }

    /** Writes back the weight saved by {@link #merge()}: exactly the values W had before it. */
    public void unmerge() {
        if (!isMerged()) {
            throw new IllegalStateException(linear.path() + " (LoRA): not merged");
        }
        linear.weight().data().copyFrom(unmergedWeight);
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

    /** {@code r=…, alpha=…[, merged]} for the Linear's printout. */
    String repr() {
        return "lora_r=" + rank + ", lora_alpha=" + Repr.number(alpha) + (isMerged() ? ", merged" : "");
    }
}
