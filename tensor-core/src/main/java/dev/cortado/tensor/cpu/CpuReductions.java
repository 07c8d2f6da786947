package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class CpuReductions {
    private CpuReductions() {
    }

    static void reduce(Parallel parallel, ReduceOp op, Tensor x, int reducedDims, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void variance(Parallel parallel, Tensor x, int reducedDims, int correction, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void argReduce(Parallel parallel, boolean max, Tensor x, int reducedDims, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }
}
