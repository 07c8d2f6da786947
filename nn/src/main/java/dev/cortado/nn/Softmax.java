package dev.cortado.nn;

import dev.cortado.autograd.SoftmaxOps;
import dev.cortado.autograd.Variable;

/** softmax along {@code dim}, as torch.nn.Softmax. */
public class Softmax extends Module {
    private final int dim;

    public Softmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Variable forward(Variable x) {
        return SoftmaxOps.softmax(x, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
