package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class ReferenceConvolution {
    private ReferenceConvolution() {
    }

    static void conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void conv2dInputGrad(Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradInput) {
        throw new UnsupportedOperationException("pending");
    }

    static void conv2dWeightGrad(Tensor input, Tensor gradOut, Conv2dParams params, Tensor gradWeight) {
        throw new UnsupportedOperationException("pending");
    }
}
