package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;

/**
 * One recorded op in the graph: its name, its inputs, its local {@link Backward} and the tensors that
 * backward reads. The storage version of every saved tensor is taken when the op runs; if one changed
 * in place before backward, backward fails instead of computing a wrong gradient.
 *
 * <p>After the engine has run a node's backward it {@linkplain #release() releases} it: inputs, saved
 * tensors and the backward closure are dropped, so the graph's memory goes with the first backward.
 */
public final class Node {
    private final String op;
    private Variable[] inputs;
    private Backward backward;
    private Tensor[] saved;
    private int[] savedVersions;

    private Node(String op, Variable[] inputs, Backward backward, Tensor[] saved) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
        this.saved = saved;
        this.savedVersions = new int[saved.length];
        for (int i = 0; i < saved.length; i++) {
            savedVersions[i] = saved[i].storage().version();
        }
    }

    /**
     * Wraps an op's result: with grad mode on and at least one input requiring a gradient, the result gets
     * a node that will run {@code backward}; otherwise it is a constant and nothing is kept.
     *
     * @param op       the op's name, used in error messages
     * @param result   the forward result
     * @param saved    the tensors {@code backward} reads (checked for in-place changes)
     * @param backward the local backward, gradients in the order of {@code inputs}
     * @param inputs   the op's differentiable inputs
     */
    public static Variable record(String op, Tensor result, Tensor[] saved, Backward backward, Variable... inputs) {
        if (!NoGrad.isGradEnabled() || !anyRequiresGrad(inputs)) {
            return Variable.constant(result);
        }
        return Variable.fromNode(result, new Node(op, inputs.clone(), backward, saved.clone()));
    }

    private static boolean anyRequiresGrad(Variable[] inputs) {
        for (Variable input : inputs) {
            if (input.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    public String op() {
        return op;
    }

    boolean isReleased() {
        return backward == null;
    }

    Variable[] inputs() {
        return inputs;
    }

    /** Runs the local backward after checking that no saved tensor was modified in place. */
    Tensor[] runBackward(Tensor gradOutput) {
        for (int i = 0; i < saved.length; i++) {
            int now = saved[i].storage().version();
            if (now != savedVersions[i]) {
                throw new IllegalStateException(op + " backward: a tensor it saved for backward (shape "
                        + java.util.Arrays.toString(saved[i].shape()) + ") was modified in place after the forward"
                        + " pass (version " + savedVersions[i] + " -> " + now + "); compute the gradient before"
                        + " changing it, or change a copy");
            }
        }
        Tensor[] grads = backward.apply(gradOutput);
        if (grads.length != inputs.length) {
            throw new IllegalStateException(op + " backward returned " + grads.length + " gradients for "
                    + inputs.length + " inputs");
        }
        return grads;
    }

    void release() {
        inputs = null;
        backward = null;
        saved = null;
        savedVersions = null;
    }

    @Override
    public String toString() {
        return op + (isReleased() ? " (released)" : "");
    }
}
