package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tornado.kernels.RowKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Row-wise softmax or log-softmax, forward or backward, one work item per row of a dense [rows, n] matrix:
 * <pre>
 *   x ──▶ softmax(log) ──▶ y                   y, gradOut ──▶ softmaxBackward(log) ──▶ gradIn
 * </pre>
 */
public final class SoftmaxGraph implements AutoCloseable {
    public record Key(boolean log, boolean backward, int rows, int n) {
    }

    private final FloatArray input;
    private final FloatArray gradOut;
    private final FloatArray out;
    private final DevicePlan plan;

    private SoftmaxGraph(Key key, TornadoDevice device) {
        int numel = key.rows() * key.n();
        int log = key.log() ? 1 : 0;
        input = new FloatArray(numel);
        out = new FloatArray(numel);
        TaskGraph graph;
        if (key.backward()) {
            gradOut = new FloatArray(numel);
            graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.SOFTMAX_BACKWARD))
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, input, gradOut)
                    .task(TaskNames.SOFTMAX_BACKWARD, RowKernels::softmaxBackward, input, gradOut, out, key.rows(),
                            key.n(), log);
        } else {
            gradOut = null;
            graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.SOFTMAX))
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, input)
                    .task(TaskNames.SOFTMAX, RowKernels::softmax, input, out, key.rows(), key.n(), log);
        }
        plan = DevicePlan.of(graph.transferToHost(DataTransferMode.EVERY_EXECUTION, out), device);
    }

    /** Softmax (or log-softmax) of each row of x into out: rows of n = the last dim's size, any leading dims. */
    public static void forward(GraphCache cache, TornadoDevice device, Backend cpu, Tensor x, Tensor out, boolean log) {
        int n = x.size(-1);
        SoftmaxGraph graph = cache.get(new Key(log, false, x.numel() / n, n), k -> new SoftmaxGraph(k, device));
        graph.execute(x, null, out, cpu);
    }

    /** The backward of each row's softmax (or log-softmax) from its output y. */
    public static void backward(GraphCache cache, TornadoDevice device, Backend cpu, Tensor y, Tensor gradOut,
                                Tensor gradIn, boolean log) {
        int n = y.size(-1);
        SoftmaxGraph graph = cache.get(new Key(log, true, y.numel() / n, n), k -> new SoftmaxGraph(k, device));
        graph.execute(y, gradOut, gradIn, cpu);
    }

    private synchronized void execute(Tensor x, Tensor gradient, Tensor result, Backend cpu) {
        HostCopies.packDense(x, input, cpu);
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
