package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.UnaryOp;
import dev.cortado.tornado.kernels.ElementwiseKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A unary op or its local backward as one task over dense data:
 * <pre>
 *   x, op ──▶ unary ──▶ out                    x, gradOut, op ──▶ unaryBackward ──▶ gradIn
 * </pre>
 */
public final class UnaryGraph implements AutoCloseable {
    /** One graph per direction and size; the op travels in a one-element buffer. */
    public record Key(boolean backward, int numel) {
    }

    private final FloatArray x;
    private final FloatArray gradOut;
    private final FloatArray out;
    private final IntArray opCode = new IntArray(1);
    private final DevicePlan plan;

    private UnaryGraph(Key key, TornadoDevice device) {
        x = new FloatArray(key.numel());
        out = new FloatArray(key.numel());
        TaskGraph graph;
        if (key.backward()) {
            gradOut = new FloatArray(key.numel());
            graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.UNARY_BACKWARD))
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, gradOut, opCode)
                    .task(TaskNames.UNARY_BACKWARD, ElementwiseKernels::unaryBackward, x, gradOut, out, opCode);
        } else {
            gradOut = null;
            graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.UNARY))
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, opCode)
                    .task(TaskNames.UNARY, ElementwiseKernels::unary, x, out, opCode);
        }
        plan = DevicePlan.of(graph.transferToHost(DataTransferMode.EVERY_EXECUTION, out), device);
    }

    /** {@code out = op(x)}. */
    public static void forward(GraphCache cache, TornadoDevice device, Backend cpu, UnaryOp op, Tensor x, Tensor out) {
        UnaryGraph graph = cache.get(new Key(false, x.numel()), k -> new UnaryGraph(k, device));
        graph.execute(op, x, null, out, cpu);
    }

    /** {@code gradIn = gradOut · op'(x)}. */
    public static void backward(GraphCache cache, TornadoDevice device, Backend cpu, UnaryOp op, Tensor x,
                                Tensor gradOut, Tensor gradIn) {
        UnaryGraph graph = cache.get(new Key(true, x.numel()), k -> new UnaryGraph(k, device));
        graph.execute(op, x, gradOut, gradIn, cpu);
    }

    private synchronized void execute(UnaryOp op, Tensor input, Tensor gradient, Tensor result, Backend cpu) {
        opCode.set(0, OpCodes.of(op));
        HostCopies.packDense(input, x, cpu);
        if (gradient != null) {
            HostCopies.packDense(gradient, gradOut, cpu);
        }
        plan.execute();
        HostCopies.unpack(out, result, cpu);
    }

    @Override
    public void close() {
        plan.close();
    }
}
