package dev.cortado.autograd;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Softmax;
import dev.cortado.tensor.Tensor;

/** Differentiable softmax and log-softmax along one dim (numerically stable forward in tensor-core). */
public final class SoftmaxOps {
    private SoftmaxOps() {
    }

    /** y = softmax(x); the Jacobian-vector product is dx = y ⊙ (g − Σ(g ⊙ y)) along {@code dim}. */
    public static Variable softmax(Variable x, int dim) {
        Tensor y = Softmax.softmax(x.data(), dim);
        return Node.record("softmax", y, new Tensor[] {y}, g -> {
            Tensor dot = Reductions.sum(Elementwise.mul(g, y), new int[] {dim}, true);
            return new Tensor[] {Elementwise.mul(y, Elementwise.sub(g, dot))};
        }, x);
    }

    /** y = log softmax(x); dx = g − exp(y) ⊙ Σ g along {@code dim}. */
    public static Variable logSoftmax(Variable x, int dim) {
        Tensor y = Softmax.logSoftmax(x.data(), dim);
        return Node.record("log_softmax", y, new Tensor[] {y}, g -> {
            Tensor total = Reductions.sum(g, new int[] {dim}, true);
            return new Tensor[] {Elementwise.sub(g, Elementwise.mul(Elementwise.exp(y), total))};
        }, x);
    }
}
