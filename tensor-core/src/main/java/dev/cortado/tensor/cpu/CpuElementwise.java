package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class CpuElementwise {
    private CpuElementwise() {
    }

    static void copy(Parallel parallel, Tensor src, Tensor dst) {
        throw new UnsupportedOperationException("pending");
    }

    static void unary(Parallel parallel, UnaryOp op, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void clamp(Parallel parallel, Tensor x, float min, float max, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void binary(Parallel parallel, BinaryOp op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void compare(Parallel parallel, CompareOp op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void where(Parallel parallel, Tensor condition, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }
}
