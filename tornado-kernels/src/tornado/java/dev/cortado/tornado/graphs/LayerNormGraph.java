package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tornado.kernels.RowKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Layer norm of the rows of a dense [rows, n] matrix (n the last dim's size), forward and backward. A missing weight is a row of
 * ones and a missing bias a row of zeros, so one kernel serves every form.
 * <pre>
 *   forward:  x, weight, bias ──▶ layerNorm ──▶ out, mean, rstd
 *   backward: x, weight, mean, rstd, gradOut ──▶ layerNormBackward   ──▶ gradIn
 *                                            └─▶ layerNormParamGrads ──▶ gradWeight, gradBias
 * </pre>
 */
public final class LayerNormGraph implements AutoCloseable {
    public record Key(boolean backward, int rows, int n, float eps) {
    }

    private final FloatArray x;
    private final FloatArray weight;
    private final FloatArray bias;
    private final FloatArray mean;
    private final FloatArray rstd;
    /** The forward's output, or the backward's incoming gradient. */
    private final FloatArray rowsData;
    private final FloatArray gradIn;
    private final FloatArray gradWeight;
    private final FloatArray gradBias;
    private final DevicePlan plan;

    private LayerNormGraph(Key key, TornadoDevice device) {
        int numel = key.rows() * key.n();
        x = new FloatArray(numel);
        weight = new FloatArray(key.n());
        bias = new FloatArray(key.n());
        mean = new FloatArray(key.rows());
        rstd = new FloatArray(key.rows());
        rowsData = new FloatArray(numel);
        TaskGraph graph;
        if (key.backward()) {
            gradIn = new FloatArray(numel);
            gradWeight = new FloatArray(key.n());
            gradBias = new FloatArray(key.n());
            graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.LAYER_NORM_BACKWARD))
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, weight, mean, rstd, rowsData)
                    .task(TaskNames.LAYER_NORM_BACKWARD, RowKernels::layerNormBackward, x, weight, mean, rstd, rowsData,
                            gradIn, key.n())
                    .task(TaskNames.LAYER_NORM_PARAM_GRADS, RowKernels::layerNormParamGrads, x, mean, rstd, rowsData,
                            gradWeight, gradBias)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, gradIn, gradWeight, gradBias);
        } else {
            gradIn = null;
            gradWeight = null;
            gradBias = null;
            graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.LAYER_NORM))
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, weight, bias)
                    .task(TaskNames.LAYER_NORM, RowKernels::layerNorm, x, weight, bias, rowsData, mean, rstd, key.n(),
                            key.eps())
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, rowsData, mean, rstd);
        }
        plan = DevicePlan.of(graph, device);
    }

    /** See {@code Backend.layerNorm}: weight, bias, mean and rstd may be null. */
    public static void forward(GraphCache cache, TornadoDevice device, Backend cpu, Tensor x, Tensor weight, Tensor bias,
                               float eps, Tensor out, Tensor mean, Tensor rstd) {
        int n = x.size(-1);
        Key key = new Key(false, x.numel() / n, n, eps);
        LayerNormGraph graph = cache.get(key, k -> new LayerNormGraph(k, device));
        graph.runForward(x, weight, bias, out, mean, rstd, cpu);
    }

    /** See {@code Backend.layerNormBackward}: weight, gradWeight and gradBias may be null. */
    public static void backward(GraphCache cache, TornadoDevice device, Backend cpu, Tensor x, Tensor weight,
                                Tensor mean, Tensor rstd, Tensor gradOut, Tensor gradIn, Tensor gradWeight,
                                Tensor gradBias) {
        int n = x.size(-1);
        Key key = new Key(true, x.numel() / n, n, 0f);
        LayerNormGraph graph = cache.get(key, k -> new LayerNormGraph(k, device));
        graph.runBackward(x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias, cpu);
    }

    private synchronized void runForward(Tensor input, Tensor w, Tensor b, Tensor out, Tensor meanOut, Tensor rstdOut,
                                         Backend cpu) {
        HostCopies.packDense(input, x, cpu);
        packOrFill(w, weight, 1f, cpu);
        packOrFill(b, bias, 0f, cpu);
        plan.execute();
        HostCopies.unpack(rowsData, out, cpu);
        if (meanOut != null) {
            HostCopies.unpack(mean, meanOut, cpu);
        }
        if (rstdOut != null) {
            HostCopies.unpack(rstd, rstdOut, cpu);
        }
    }

    private synchronized void runBackward(Tensor input, Tensor w, Tensor meanIn, Tensor rstdIn, Tensor gradient,
                                          Tensor gradInput, Tensor gradW, Tensor gradB, Backend cpu) {
        HostCopies.packDense(input, x, cpu);
        packOrFill(w, weight, 1f, cpu);
        HostCopies.packDense(meanIn, mean, cpu);
        HostCopies.packDense(rstdIn, rstd, cpu);
        HostCopies.packDense(gradient, rowsData, cpu);
        plan.execute();
        HostCopies.unpack(gradIn, gradInput, cpu);
        if (gradW != null) {
            HostCopies.unpack(gradWeight, gradW, cpu);
        }
        if (gradB != null) {
            HostCopies.unpack(gradBias, gradB, cpu);
        }
    }

    private void packOrFill(Tensor source, FloatArray dst, float fill, Backend cpu) {
        if (source != null) {
            HostCopies.packDense(source, dst, cpu);
        } else {
            dst.init(fill);
        }
    }

    @Override
    public void close() {
        plan.close();
    }
}
