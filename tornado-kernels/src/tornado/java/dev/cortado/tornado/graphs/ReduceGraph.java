package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tornado.kernels.RowKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A reduction over the trailing dims, seen as the rows of a dense [rows, n] matrix:
 * <pre>
 *   x (dense), op ──▶ reduce, one work item per row ──▶ out [rows]
 * </pre>
 */
public final class ReduceGraph implements AutoCloseable {
    /** One graph per shape; the op travels in a one-element buffer. */
    public record Key(int rows, int n) {
    }

    private final FloatArray x;
    private final FloatArray out;
    private final IntArray opCode = new IntArray(1);
    private final DevicePlan plan;

    private ReduceGraph(Key key, TornadoDevice device) {
        x = new FloatArray(key.rows() * key.n());
        out = new FloatArray(key.rows());
        TaskGraph graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.REDUCE))
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, opCode)
                .task(TaskNames.REDUCE, RowKernels::reduce, x, out, key.n(), opCode)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        plan = DevicePlan.of(graph, device);
    }

    /** {@code out[r] = op(row r)} where x's last {@code reducedDims} dims form each row (n ≥ 1). */
    public static void run(GraphCache cache, TornadoDevice device, Backend cpu, ReduceOp op, Tensor x, int n,
                           Tensor out) {
        ReduceGraph graph = cache.get(new Key(out.numel(), n), k -> new ReduceGraph(k, device));
        graph.execute(op, x, out, cpu);
    }

    private synchronized void execute(ReduceOp op, Tensor input, Tensor result, Backend cpu) {
        opCode.set(0, OpCodes.of(op));
        HostCopies.packDense(input, x, cpu);
        plan.execute();
        HostCopies.unpack(out, result, cpu);
    }

    @Override
    public void close() {
        plan.close();
    }
}
