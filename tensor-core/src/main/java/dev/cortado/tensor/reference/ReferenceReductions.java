package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class ReferenceReductions {
    private ReferenceReductions() {
    }

    static void reduce(ReduceOp op, Tensor x, int reducedDims, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void variance(Tensor x, int reducedDims, int correction, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void argReduce(boolean max, Tensor x, int reducedDims, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }
}
