package dev.cortado.tornado;

import static dev.cortado.tornado.DeviceCheck.assertClose;
import static dev.cortado.tornado.DeviceCheck.backend;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.UnaryOp;
import dev.cortado.tensor.cpu.CpuBackend;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Broadcast binary ops, unary ops (GELU included) and their local backward on the device against the CPU backend. */
class TornadoElementwiseTest {
    private static final CpuBackend CPU = new CpuBackend(2);
    /** Ops defined only for positive (or non-zero) arguments get inputs in [0.1, 2.1). */
    private static final Set<UnaryOp> POSITIVE = EnumSet.of(UnaryOp.LOG, UnaryOp.SQRT, UnaryOp.RSQRT, UnaryOp.RECIPROCAL);

    private static Tensor positive(long seed, int... shape) {
        Tensor u = Tensor.rand(seed, shape);
        Tensor out = Tensor.empty(DType.FLOAT32, shape);
        CPU.binary(BinaryOp.MUL, u, Tensor.full(2f, shape), out);
        CPU.binary(BinaryOp.ADD, out, Tensor.full(0.1f, shape), out);
        return out;
    }

    private static Tensor input(UnaryOp op, long seed, int... shape) {
        if (POSITIVE.contains(op)) {
            return positive(seed, shape);
        }
        Tensor scaled = Tensor.empty(DType.FLOAT32, shape);
        CPU.binary(BinaryOp.MUL, Tensor.randn(seed, shape), Tensor.full(2.5f, shape), scaled);
        return scaled;
    }

    @Test
    void binaryOpsWithBroadcastingAndTransposedOperands() {
        int[] shape = {4, 5, 6};
        Tensor a = positive(1, 6, 5, 4).permute(2, 1, 0);           // [4, 5, 6], not contiguous
        Tensor b = positive(2, 1, 5, 1).expand(shape);              // broadcast along dims 0 and 2
        Tensor row = Tensor.randn(3, 6).expand(shape);              // broadcast from a lower rank
        for (BinaryOp op : BinaryOp.values()) {
            Tensor expected = Tensor.empty(DType.FLOAT32, shape);
            Tensor actual = Tensor.empty(DType.FLOAT32, shape);
            CPU.binary(op, a, b, expected);
            backend().binary(op, a, b, actual);
            assertClose(expected, actual, "binary " + op + " [4,5,6] op [1,5,1]");
            CPU.binary(op, row, a, expected);
            backend().binary(op, row, a, actual);
            assertClose(expected, actual, "binary " + op + " [6] op [4,5,6]^T");
        }
    }

    @Test
    void unaryOps() {
        for (UnaryOp op : UnaryOp.values()) {
            Tensor x = input(op, 10 + op.ordinal(), 7, 33);
            Tensor expected = Tensor.empty(DType.FLOAT32, 7, 33);
            Tensor actual = Tensor.empty(DType.FLOAT32, 7, 33);
            CPU.unary(op, x, expected);
            backend().unary(op, x, actual);
            assertClose(expected, actual, "unary " + op);
        }
    }

    @Test
    void unaryBackward() {
        for (UnaryOp op : UnaryOp.values()) {
            Tensor x = input(op, 40 + op.ordinal(), 7, 33);
            Tensor gradOut = Tensor.randn(80 + op.ordinal(), 7, 33);
            Tensor expected = Tensor.empty(DType.FLOAT32, 7, 33);
            Tensor actual = Tensor.empty(DType.FLOAT32, 7, 33);
            CPU.unaryBackward(op, x, gradOut, expected);
            backend().unaryBackward(op, x, gradOut, actual);
            assertClose(expected, actual, "unaryBackward " + op);
        }
    }
}
