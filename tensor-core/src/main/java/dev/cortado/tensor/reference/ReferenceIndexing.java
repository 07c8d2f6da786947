package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class ReferenceIndexing {
    private ReferenceIndexing() {
    }

    static void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        throw new UnsupportedOperationException("pending");
    }

    static void gather(Tensor x, int dim, Tensor index, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        throw new UnsupportedOperationException("pending");
    }
}
