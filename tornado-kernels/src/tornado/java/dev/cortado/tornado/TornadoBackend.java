package dev.cortado.tornado;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.AdamStep;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.BackendUnavailableException;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tornado.graphs.AdamGraph;
import dev.cortado.tornado.graphs.BinaryGraph;
import dev.cortado.tornado.graphs.ConvGraph;
import dev.cortado.tornado.graphs.GraphCache;
import dev.cortado.tornado.graphs.IndexGraph;
import dev.cortado.tornado.graphs.LayerNormGraph;
import dev.cortado.tornado.graphs.MatmulGraph;
import dev.cortado.tornado.graphs.ReduceGraph;
import dev.cortado.tornado.graphs.SoftmaxGraph;
import dev.cortado.tornado.graphs.TaskNames;
import dev.cortado.tornado.graphs.Transfers;
import dev.cortado.tornado.graphs.UnaryGraph;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * tensor-core's {@link Backend} on a TornadoVM device (OpenCL, PTX or SPIR-V: a GPU, or a CPU through PoCL).
 *
 * <p>On the device (kernels in {@code dev.cortado.tornado.kernels}, task graphs in
 * {@code dev.cortado.tornado.graphs}, one compiled graph per shape, reused):
 * <ul>
 *   <li>{@link #matmul}: tiled SGEMM through local memory, any strides (transposed and batch-broadcast operands as stored);</li>
 *   <li>{@link #binary} with broadcasting (up to 6 dims), {@link #unary} and {@link #unaryBackward} (GELU included);</li>
 *   <li>{@link #reduce} (sum, mean, max, min, logsumexp over the trailing dims), {@link #softmax} and
 *       {@link #softmaxBackward} (also log-softmax), {@link #layerNorm} and {@link #layerNormBackward};</li>
 *   <li>{@link #conv2d}, {@link #conv2dInputGrad} and {@link #conv2dWeightGrad}: im2col / col2im around the same
 *       SGEMM, batched over the groups (any stride, padding, dilation, groups);</li>
 *   <li>{@link #gather}, {@link #indexSelect} (float data) and {@link #scatterAdd} (embedding lookups and their
 *       gradient; scatter-add without atomics, one work item per destination element, so repeated indices
 *       are summed deterministically in the CPU backend's order);</li>
 *   <li>{@link #adamStep}, the AdamW/Adam update, with parameters and moments resident on the device between steps.</li>
 * </ul>
 * Empty tensors of these ops (nothing to launch) and gathers of INT64/BOOL data run on the CPU backend.
 *
 * <p>On the CPU backend, by explicit delegation, because no device kernel exists for them yet:
 * {@link #copy} (also the host-side packing of strided views), {@link #clamp}, {@link #dropout}, {@link #compare},
 * {@link #where} (BOOL/INT64 data: TornadoVM arrays here are float), {@link #variance}, {@link #argReduce},
 * {@link #topk} (sorting), the poolings and their gradients.
 *
 * <p>Every op except {@link #adamStep} copies its inputs to the device and its outputs back; the AdamW update
 * keeps parameters and moments on the device between steps, and host reads of them go through their
 * storages' mirrors (see docs/architecture.md, "Device residency"). When a kernel fails (it does not compile, the
 * driver errs, the device runs out of memory), this backend prints one line, runs that op on the CPU from then
 * on, and recomputes the failed call there, so a result is never partial; in strict mode (tests) it throws instead.
 */
public final class TornadoBackend implements Backend {
    private final TornadoDevice device;
    private final Backend cpu;
    private final boolean strict;
    private final GraphCache graphs = new GraphCache();
    private final Transfers transfers = new Transfers();
    /** Tasks that failed once and now run on the CPU. */
    private final Set<String> failed = ConcurrentHashMap.newKeySet();

    private TornadoBackend(TornadoDevice device, Backend cpu, boolean strict) {
        this.device = device;
        this.cpu = cpu;
        this.strict = strict;
    }

    /**
     * Opens the backend on the device chosen by {@code -Dcortado.tornado.device=B:D} (default: TornadoVM's
     * default device) and checks it with a small probe kernel.
     *
     * @param strict throw when a kernel fails instead of falling back to the CPU backend
     * @throws BackendUnavailableException when no device answers or the probe fails
     */
    public static TornadoBackend open(boolean strict) throws BackendUnavailableException {
        TornadoBackend backend = new TornadoBackend(TornadoDevices.select(), CpuBackend.shared(), strict);
        backend.probe();
        return backend;
    }

    /** Adds two 3-vectors on the device; a driver or compiler that cannot do that makes the backend unavailable. */
    private void probe() throws BackendUnavailableException {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3}, 3);
        Tensor b = Tensor.fromArray(new float[] {10, 20, 30}, 3);
        Tensor sum = Tensor.empty(DType.FLOAT32, 3);
        try {
            BinaryGraph.run(graphs, device, cpu, BinaryOp.ADD, a, b, sum);
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("a probe kernel failed on " + device.getPhysicalDevice().getDeviceName()
                    + ": " + oneLine(e), e);
        }
        float[] got = sum.toFloatArray();
        if (got[0] != 11 || got[1] != 22 || got[2] != 33) {
            throw new BackendUnavailableException("a probe kernel on " + device.getPhysicalDevice().getDeviceName()
                    + " computed [1, 2, 3] + [10, 20, 30] = " + Arrays.toString(got));
        }
    }

    /** The device the kernels run on. */
    public TornadoDevice device() {
        return device;
    }

    /** Compiled task graphs held (one per op and shape seen). */
    public int compiledGraphs() {
        return graphs.size();
    }

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public String describe() {
        return "tornado: " + TornadoDevices.describe(device) + "; matmul, elementwise, reductions, softmax, "
                + "layer norm, conv2d, gather/scatter-add and AdamW on the device, other ops on the cpu backend";
    }

    /**
     * Runs {@code work} on the device unless its task failed before; returns false when the caller must run
     * the CPU backend instead (after printing one line the first time a task fails). An IllegalArgumentException
     * (bad arguments, such as an index out of range) is the caller's error and propagates.
     */
    boolean offload(String task, Runnable work) {
        if (failed.contains(task)) {
            return false;
        }
        try {
            work.run();
            return true;
        } catch (IllegalArgumentException e) {
            throw e; // bad arguments (an index out of range) are the caller's error, not the device's
        } catch (RuntimeException e) {
            if (strict) {
                throw new IllegalStateException("tornado: kernel '" + task + "' failed: " + oneLine(e), e);
            }
            if (failed.add(task)) {
                System.err.println("cortado: tornado kernel '" + task + "' failed (" + oneLine(e)
                        + "); it runs on the cpu backend from now on");
            }
            return false;
        }
    }

    /** The first line of a throwable's message (TornadoVM's can span a stack of driver output). */
    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    // ------------------------------------------------------------ on the device

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        if (out.numel() == 0 || !offload(TaskNames.UNARY, () -> UnaryGraph.forward(graphs, device, cpu, op, x, out))) {
            cpu.unary(op, x, out);
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor gradIn) {
        if (gradIn.numel() == 0 || !offload(TaskNames.UNARY_BACKWARD,
                () -> UnaryGraph.backward(graphs, device, cpu, op, x, gradOut, gradIn))) {
            cpu.unaryBackward(op, x, gradOut, gradIn);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (out.numel() == 0 || !BinaryGraph.supports(out)
                || !offload(TaskNames.BINARY, () -> BinaryGraph.run(graphs, device, cpu, op, a, b, out))) {
            cpu.binary(op, a, b, out);
        }
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int reducedDims, Tensor out) {
        int n = 1;
        for (int d = x.dim() - reducedDims; d < x.dim(); d++) {
            n *= x.size(d);
        }
        int rowLength = n;
        if (n == 0 || out.numel() == 0
                || !offload(TaskNames.REDUCE, () -> ReduceGraph.run(graphs, device, cpu, op, x, rowLength, out))) {
            cpu.reduce(op, x, reducedDims, out);
        }
    }

    @Override
    public void softmax(Tensor x, Tensor out, boolean log) {
        if (x.numel() == 0 || !offload(TaskNames.SOFTMAX, () -> SoftmaxGraph.forward(graphs, device, cpu, x, out, log))) {
            cpu.softmax(x, out, log);
        }
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gradOut, Tensor gradIn, boolean log) {
        if (y.numel() == 0 || !offload(TaskNames.SOFTMAX_BACKWARD,
                () -> SoftmaxGraph.backward(graphs, device, cpu, y, gradOut, gradIn, log))) {
            cpu.softmaxBackward(y, gradOut, gradIn, log);
        }
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd) {
        if (x.numel() == 0 || !offload(TaskNames.LAYER_NORM,
                () -> LayerNormGraph.forward(graphs, device, cpu, x, weight, bias, eps, out, mean, rstd))) {
            cpu.layerNorm(x, weight, bias, eps, out, mean, rstd);
        }
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut, Tensor gradIn,
                                  Tensor gradWeight, Tensor gradBias) {
        if (x.numel() == 0 || !offload(TaskNames.LAYER_NORM_BACKWARD, () -> LayerNormGraph.backward(graphs, device, cpu,
                x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias))) {
            cpu.layerNormBackward(x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias);
        }
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        if (out.numel() == 0 || a.size(2) == 0
                || !offload(TaskNames.SGEMM, () -> MatmulGraph.run(graphs, device, cpu, a, b, out))) {
            cpu.matmul(a, b, out);
        }
    }

    @Override
    public void conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
        if (out.numel() == 0 || !offload(TaskNames.CONV2D,
                () -> ConvGraph.forward(graphs, device, cpu, input, weight, bias, params, out))) {
            cpu.conv2d(input, weight, bias, params, out);
        }
    }

    @Override
    public void conv2dInputGrad(Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradInput) {
        if (gradOut.numel() == 0 || gradInput.numel() == 0 || !offload(TaskNames.CONV2D_INPUT_GRAD,
                () -> ConvGraph.inputGrad(graphs, device, cpu, gradOut, weight, params, gradInput))) {
            cpu.conv2dInputGrad(gradOut, weight, params, gradInput);
        }
    }

    @Override
    public void conv2dWeightGrad(Tensor input, Tensor gradOut, Conv2dParams params, Tensor gradWeight) {
        if (gradOut.numel() == 0 || gradWeight.numel() == 0 || !offload(TaskNames.CONV2D_WEIGHT_GRAD,
                () -> ConvGraph.weightGrad(graphs, device, cpu, input, gradOut, params, gradWeight))) {
            cpu.conv2dWeightGrad(input, gradOut, params, gradWeight);
        }
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        if (out.numel() == 0 || x.dtype() != DType.FLOAT32
                || !offload(TaskNames.GATHER, () -> IndexGraph.gather(graphs, device, cpu, x, dim, index, out))) {
            cpu.gather(x, dim, index, out);
        }
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        if (out.numel() == 0 || x.dtype() != DType.FLOAT32
                || !offload(TaskNames.GATHER, () -> IndexGraph.indexSelect(graphs, device, cpu, x, dim, index, out))) {
            cpu.indexSelect(x, dim, index, out);
        }
    }

    /** On the device without atomics: one work item per element of dst sums its contributions (see IndexKernels). */
    @Override
    public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        if (index.numel() == 0
                || !offload(TaskNames.SCATTER_ADD, () -> IndexGraph.scatterAdd(graphs, device, cpu, dst, dim, index, src))) {
            cpu.scatterAdd(dst, dim, index, src);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>On the device with θ, m and v resident between steps ({@link AdamGraph}): a step uploads the gradient
     * and leaves the three on the device; θ comes back when the host reads it. A parameter or moment that is a
     * view into a larger storage runs the host loop instead.
     */
    @Override
    public void adamStep(Tensor theta, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        for (Tensor t : new Tensor[] {theta, grad, m, v}) {
            t.requireDType("tornado adamStep", DType.FLOAT32);
            if (t.numel() != theta.numel()) {
                throw new IllegalArgumentException("tornado adamStep: parameter has " + theta.numel()
                        + " elements but a gradient or moment has " + t.numel());
            }
        }
        boolean wholeStorages = true;
        for (Tensor t : new Tensor[] {theta, m, v}) {
            if (!t.isContiguous()) {
                throw new IllegalArgumentException("tornado adamStep: parameter and moments must be contiguous, got strides "
                        + Arrays.toString(t.strides()) + " for shape " + Arrays.toString(t.shape()));
            }
            wholeStorages &= t.offset() == 0 && t.numel() == t.storage().length();
        }
        if (theta.numel() == 0 || !wholeStorages
                || !offload(TaskNames.ADAM, () -> AdamGraph.run(device, cpu, transfers, theta, grad, m, v, step))) {
            Backend.super.adamStep(theta, grad, m, v, step);
        }
    }

    /** Copies of resident buffers (parameters and optimiser moments) between host and device so far. */
    public Transfers transfers() {
        return transfers;
    }

    // ------------------------------------------------------------ on the CPU backend (see the class comment)

    @Override
    public void copy(Tensor src, Tensor dst) {
        cpu.copy(src, dst);
    }

    @Override
    public void clamp(Tensor x, float min, float max, Tensor out) {
        cpu.clamp(x, min, max, out);
    }

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor out) {
        cpu.dropout(x, p, seed, out);
    }

    @Override
    public void compare(CompareOp op, Tensor a, Tensor b, Tensor out) {
        cpu.compare(op, a, b, out);
    }

    @Override
    public void where(Tensor condition, Tensor a, Tensor b, Tensor out) {
        cpu.where(condition, a, b, out);
    }

    @Override
    public void variance(Tensor x, int reducedDims, int correction, Tensor out) {
        cpu.variance(x, reducedDims, correction, out);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int reducedDims, Tensor out) {
        cpu.argReduce(max, x, reducedDims, out);
    }

    @Override
    public void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        cpu.topk(x, k, largest, values, indices);
    }

    @Override
    public void maxPool2d(Tensor input, Pool2dParams params, Tensor out, Tensor indices) {
        cpu.maxPool2d(input, params, out, indices);
    }

    @Override
    public void avgPool2d(Tensor input, Pool2dParams params, Tensor out) {
        cpu.avgPool2d(input, params, out);
    }

    @Override
    public void adaptiveAvgPool2d(Tensor input, Tensor out) {
        cpu.adaptiveAvgPool2d(input, out);
    }

    @Override
    public void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradInput) {
        cpu.avgPool2dBackward(gradOut, params, gradInput);
    }

    @Override
    public void adaptiveAvgPool2dBackward(Tensor gradOut, Tensor gradInput) {
        cpu.adaptiveAvgPool2dBackward(gradOut, gradInput);
    }
}
