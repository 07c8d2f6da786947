package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;

/** PLACEHOLDER-PENDING: being written. */
final class ReferenceElementwise {
    private ReferenceElementwise() {
    }

    static void copy(Tensor src, Tensor dst) {
        throw new UnsupportedOperationException("pending");
    }

    static void unary(UnaryOp op, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void clamp(Tensor x, float min, float max, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void compare(CompareOp op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }

    static void where(Tensor condition, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("pending");
    }
}
