package dev.cortado.autograd;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;

import java.util.Arrays;

/**
 * A tensor that takes part in differentiation: its value ({@link #data()}), its accumulated gradient
 * ({@link #grad()}) and, unless it is a leaf, the {@link Node} of the op that made it.
 *
 * <p>Leaves are created by the user: {@link #parameter(Tensor)} for values to learn (they require a
 * gradient), {@link #constant(Tensor)} for inputs and targets. Ops live in the {@code *Ops} classes of this
 * package ({@link MathOps}, {@link ShapeOps}, …); the most common are also methods here.
 * <pre>{@code
 * Variable w = Variable.parameter(Tensor.randn(seed, 3, 2));
 * Variable loss = MathOps.mul(x.matmul(w), x.matmul(w)).sum();
 * loss.backward();          // w.grad() now holds d loss / d w
 * }</pre>
 */
public final class Variable {
    private final Tensor data;
    private final Node creator;
    private boolean requiresGrad;
    private Tensor grad;

    private Variable(Tensor data, Node creator, boolean requiresGrad) {
        this.data = data;
        this.creator = creator;
        this.requiresGrad = requiresGrad;
    }

    /** A leaf that needs no gradient: an input, a target, a frozen buffer. */
    public static Variable constant(Tensor data) {
        return new Variable(data, null, false);
    }

    /** A leaf that accumulates a gradient on backward (float32 only). */
    public static Variable parameter(Tensor data) {
        data.requireDType("parameter", DType.FLOAT32);
        return new Variable(data, null, true);
    }

    static Variable fromNode(Tensor data, Node creator) {
        return new Variable(data, creator, true);
    }

    /** The value. Changing it in place (then {@link Tensor#markModified()}) is how optimisers update leaves. */
    public Tensor data() {
        return data;
    }

    public int[] shape() {
        return data.shape();
    }

    public int dim() {
        return data.dim();
    }

    public int size(int d) {
        return data.size(d);
    }

    /** The gradient accumulated by backward, or {@code null} before the first backward or after {@link #zeroGrad()}. */
    public Tensor grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Whether this variable was made by the user rather than by an op. */
    public boolean isLeaf() {
        return creator == null;
    }

    /** The op that made this variable, or {@code null} for a leaf. */
    public Node creator() {
        return creator;
    }

    /** Switches gradient accumulation on or off for a leaf (how modules freeze parameters). */
    public Variable setRequiresGrad(boolean requiresGrad) {
        if (creator != null) {
            throw new IllegalStateException("setRequiresGrad: only leaves can change it; this variable was made by "
                    + creator.op() + " (use detach() to cut it from the graph)");
        }
        if (requiresGrad) {
            data.requireDType("setRequiresGrad", DType.FLOAT32);
        }
        this.requiresGrad = requiresGrad;
        return this;
    }

    /** Forgets the accumulated gradient (the next backward starts from zero). */
    public void zeroGrad() {
        grad = null;
    }

    /** Replaces the gradient (for optimisers and gradient clipping); shape must match. */
    public void setGrad(Tensor newGrad) {
        if (newGrad != null && !Arrays.equals(newGrad.shape(), data.shape())) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Arrays.toString(newGrad.shape())
                    + " does not match variable shape " + Arrays.toString(data.shape()));
        }
        grad = newGrad;
    }

    /** The same value, cut from the graph: a constant leaf sharing this variable's storage. */
    public Variable detach() {
        return constant(data);
    }

    /** Backward from a scalar (one-element) result with seed gradient 1. */
    public void backward() {
        if (data.numel() != 1) {
            throw new IllegalStateException("backward: the output has shape " + Arrays.toString(data.shape())
                    + ", not a single element; pass a seed gradient of that shape to backward(seed)");
        }
        backward(Tensor.full(1f, data.shape()));
    }

    /** Backward with an explicit seed gradient {@code d loss / d this}, which must have this variable's shape. */
    public void backward(Tensor seed) {
        Engine.backward(this, seed);
    }

    /** Adds {@code g} into this leaf's gradient (the engine's only way to write gradients). */
    void accumulate(Tensor g) {
        if (grad == null) {
            grad = g.copy();
        } else {
            grad = Elementwise.add(grad, g);
        }
    }

    // ------------------------------------------------------------ the most used ops, as methods

    public Variable add(Variable other) {
        return MathOps.add(this, other);
    }

    public Variable sub(Variable other) {
        return MathOps.sub(this, other);
    }

    public Variable mul(Variable other) {
        return MathOps.mul(this, other);
    }

    public Variable div(Variable other) {
        return MathOps.div(this, other);
    }

    public Variable mul(float factor) {
        return MathOps.mul(this, factor);
    }

    public Variable matmul(Variable other) {
        return LinalgOps.matmul(this, other);
    }

    public Variable sum() {
        return ReductionOps.sum(this);
    }

    public Variable mean() {
        return ReductionOps.mean(this);
    }

    public Variable reshape(int... shape) {
        return ShapeOps.reshape(this, shape);
    }

    public Variable transpose(int dim0, int dim1) {
        return ShapeOps.transpose(this, dim0, dim1);
    }

    @Override
    public String toString() {
        return "Variable(" + data + (creator != null ? ", op=" + creator.op() : requiresGrad ? ", requiresGrad" : "")
                + ")";
    }
}
