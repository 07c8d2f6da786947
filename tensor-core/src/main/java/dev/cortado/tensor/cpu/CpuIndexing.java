package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class CpuIndexing {
    private CpuIndexing() {
    }

    static void topk(Parallel parallel, Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        throw new UnsupportedOperationException("pending");
    }

    static void gather(Parallel parallel, Tensor x, int dim, Tensor index, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void indexSelect(Parallel parallel, Tensor x, int dim, Tensor index, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void scatterAdd(Parallel parallel, Tensor dst, int dim, Tensor index, Tensor src) {
        throw new UnsupportedOperationException("pending");
    }
}
