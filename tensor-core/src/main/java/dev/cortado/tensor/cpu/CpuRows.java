package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class CpuRows {
    private CpuRows() {
    }

    static void softmax(Parallel parallel, Tensor x, Tensor out, boolean log) {
        throw new UnsupportedOperationException("pending");
    }

    static void layerNorm(Parallel parallel, Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd) {
        throw new UnsupportedOperationException("pending");
    }
}
