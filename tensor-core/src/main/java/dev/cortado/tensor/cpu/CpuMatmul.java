package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class CpuMatmul {
    private CpuMatmul() {
    }

    static void matmul(Parallel parallel, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }
}
