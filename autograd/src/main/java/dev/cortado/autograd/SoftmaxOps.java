package dev.cortado.autograd;

import dev.cortado.tensor.Softmax;
import dev.cortado.tensor.Tensor;

/** Differentiable softmax and log-softmax along one dim (numerically stable forward in tensor-core). */
public final class SoftmaxOps {
    private SoftmaxOps() {
    }

    /** y = softmax(x); the Jacobian-vector product is dx = y ⊙ (g − Σ(g ⊙ y)) along {@code dim}. */
    public static Variable softmax(Variable x, int dim) {
        Tensor y = Softmax.softmax(x.data(), dim);
        return Node.record("softmax", y, new Tensor[] {y}, g -> new Tensor[] {Softmax.softmaxBackward(y, g, dim)}, x);
    }

    /** y = log softmax(x); dx = g − exp(y) ⊙ Σ g along {@code dim}. */
    public static Variable logSoftmax(Variable x, int dim) {
        Tensor y = Softmax.logSoftmax(x.data(), dim);
        return Node.record("log_softmax", y, new Tensor[] {y},
                g -> new Tensor[] {Softmax.logSoftmaxBackward(y, g, dim)}, x);
    }
}
