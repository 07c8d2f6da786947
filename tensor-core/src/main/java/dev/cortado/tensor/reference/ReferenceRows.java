package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class ReferenceRows {
    private ReferenceRows() {
    }

    static void softmax(Tensor x, Tensor out, boolean log) {
        throw new UnsupportedOperationException("pending");
    }

    static void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd) {
        throw new UnsupportedOperationException("pending");
    }
}
