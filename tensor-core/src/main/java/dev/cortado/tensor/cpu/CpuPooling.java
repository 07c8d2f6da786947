package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class CpuPooling {
    private CpuPooling() {
    }

    static void maxPool2d(Parallel parallel, Tensor input, Pool2dParams params, Tensor out, Tensor indices) {
        throw new UnsupportedOperationException("pending");
    }

    static void avgPool2d(Parallel parallel, Tensor input, Pool2dParams params, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }
}
