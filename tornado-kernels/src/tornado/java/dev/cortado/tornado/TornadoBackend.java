package dev.cortado.tornado;

import static dev.cortado.tornado.graphs.StepCall.Access.READ;
import static dev.cortado.tornado.graphs.StepCall.Access.UPDATE;
import static dev.cortado.tornado.graphs.StepCall.Access.WRITE;

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
import dev.cortado.tornado.graphs.StepCall;
import dev.cortado.tornado.graphs.StepCall.Access;
import dev.cortado.tornado.graphs.StepCapture;
import dev.cortado.tornado.graphs.StepOps;
import dev.cortado.tornado.graphs.TaskNames;
import dev.cortado.tornado.graphs.Transfers;
import dev.cortado.tornado.graphs.UnaryGraph;
import dev.cortado.tornado.kernels.CopyKernels;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.exceptions.TornadoInternalError;

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
    private final StepCapture capture;
    /** Whether {@link #step} captures and replays steps (opt-in: see {@link #CAPTURE_PROPERTY}). */
    private final boolean captureSteps;
    /**
     * System property that turns step capture on. Off by default: the captured path matches the CPU backend on
     * the MLP and ViT tests, but the main job's CLIP step did not (see docs/architecture.md).
     */
    public static final String CAPTURE_PROPERTY = "cortado.tornado.capture";
    private static final String BYTECODE_SIZE_PROPERTY = "tornado.tvm.maxbytecodesize";
    private static final int STEP_BYTECODE_SIZE = 1 << 20;

    private TornadoBackend(TornadoDevice device, Backend cpu, boolean strict, boolean captureSteps) {
        this.device = device;
        this.cpu = cpu;
        this.strict = strict;
        this.captureSteps = captureSteps;
        this.capture = new StepCapture(device, cpu, transfers, strict, TornadoBackend::oneLine);
    }

    /**
     * Opens the backend on the device chosen by {@code -Dcortado.tornado.device=B:D} (default: TornadoVM's
     * default device) and checks it with a small probe kernel.
     *
     * @param strict throw when a kernel fails instead of falling back to the CPU backend
     * @throws BackendUnavailableException when no device answers or the probe fails
     */
    public static TornadoBackend open(boolean strict) throws BackendUnavailableException {
        return open(strict, Boolean.getBoolean(CAPTURE_PROPERTY));
    }

    /**
     * As {@link #open(boolean)}, with step capture on or off regardless of {@link #CAPTURE_PROPERTY}.
     *
     * @param captureSteps whether {@link #step} captures and replays training steps as device plans
     */
    public static TornadoBackend open(boolean strict, boolean captureSteps) throws BackendUnavailableException {
        // A step plan's graphs carry a hundred or more tasks and buffers; TornadoVM's default bytecode buffer
        // (4 KiB) holds a few dozen. Read once, when TornadoVM compiles its first graph (the probe below).
        if (System.getProperty(BYTECODE_SIZE_PROPERTY) == null) {
            System.setProperty(BYTECODE_SIZE_PROPERTY, Integer.toString(STEP_BYTECODE_SIZE));
        }
        TornadoBackend backend = new TornadoBackend(TornadoDevices.select(), CpuBackend.shared(), strict, captureSteps);
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
        } catch (RuntimeException | TornadoInternalError e) {
            // TornadoInternalError (an Error) is TornadoVM's compiler or runtime giving up, e.g. on a graph too large.
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

    /**
     * {@inheritDoc}
     *
     * <p>With {@link #CAPTURE_PROPERTY} set (or {@code open(strict, true)}), the calls of repeated steps are
     * captured and replayed as one device program ({@link StepCapture}); otherwise the body just runs.
     */
    @Override
    public <T> T step(Supplier<T> body) {
        return captureSteps ? capture.step(body) : body.get();
    }

    /** What step capture did so far: plans built, steps replayed, steps that left their plan. */
    public StepCapture.Stats stepStats() {
        return capture.stats();
    }

    /** Runs {@code call} through the step capture: at once outside a step, recorded or replayed inside one. */
    private void run(StepCall call) {
        capture.run(call);
    }

    private void host(String op, List<Object> attributes, Runnable eager, Tensor[] operands, Access... access) {
        capture.run(StepCall.host(op, attributes, eager, operands, access));
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        Runnable eager = () -> {
            if (out.numel() == 0 || !offload(TaskNames.UNARY, () -> UnaryGraph.forward(graphs, device, cpu, op, x, out))) {
                cpu.unary(op, x, out);
            }
        };
        run(out.numel() == 0 ? StepCall.host("unary", List.of(op), eager, new Tensor[] {x, out}, READ, WRITE)
                : StepOps.unary(op, x, out, eager));
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor gradIn) {
        Runnable eager = () -> {
            if (gradIn.numel() == 0 || !offload(TaskNames.UNARY_BACKWARD,
                    () -> UnaryGraph.backward(graphs, device, cpu, op, x, gradOut, gradIn))) {
                cpu.unaryBackward(op, x, gradOut, gradIn);
            }
        };
        run(gradIn.numel() == 0
                ? StepCall.host("unaryBackward", List.of(op), eager, new Tensor[] {x, gradOut, gradIn}, READ, READ, WRITE)
                : StepOps.unaryBackward(op, x, gradOut, gradIn, eager));
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        boolean onDevice = out.numel() > 0 && BinaryGraph.supports(out);
        Runnable eager = () -> {
            if (!onDevice || !offload(TaskNames.BINARY, () -> BinaryGraph.run(graphs, device, cpu, op, a, b, out))) {
                cpu.binary(op, a, b, out);
            }
        };
        run(onDevice ? StepOps.binary(op, a, b, out, eager)
                : StepCall.host("binary", List.of(op), eager, new Tensor[] {a, b, out}, READ, READ, WRITE));
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int reducedDims, Tensor out) {
        int n = 1;
        for (int d = x.dim() - reducedDims; d < x.dim(); d++) {
            n *= x.size(d);
        }
        int rowLength = n;
        boolean onDevice = n > 0 && out.numel() > 0;
        Runnable eager = () -> {
            if (!onDevice || !offload(TaskNames.REDUCE, () -> ReduceGraph.run(graphs, device, cpu, op, x, rowLength, out))) {
                cpu.reduce(op, x, reducedDims, out);
            }
        };
        run(onDevice ? StepOps.reduce(op, x, rowLength, out, eager)
                : StepCall.host("reduce", List.of(op, reducedDims), eager, new Tensor[] {x, out}, READ, WRITE));
    }

    @Override
    public void softmax(Tensor x, Tensor out, boolean log) {
        Runnable eager = () -> {
            if (x.numel() == 0 || !offload(TaskNames.SOFTMAX, () -> SoftmaxGraph.forward(graphs, device, cpu, x, out, log))) {
                cpu.softmax(x, out, log);
            }
        };
        run(x.numel() == 0 ? StepCall.host("softmax", List.of(log), eager, new Tensor[] {x, out}, READ, WRITE)
                : StepOps.softmax(x, out, log, eager));
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gradOut, Tensor gradIn, boolean log) {
        Runnable eager = () -> {
            if (y.numel() == 0 || !offload(TaskNames.SOFTMAX_BACKWARD,
                    () -> SoftmaxGraph.backward(graphs, device, cpu, y, gradOut, gradIn, log))) {
                cpu.softmaxBackward(y, gradOut, gradIn, log);
            }
        };
        run(y.numel() == 0
                ? StepCall.host("softmaxBackward", List.of(log), eager, new Tensor[] {y, gradOut, gradIn}, READ, READ, WRITE)
                : StepOps.softmaxBackward(y, gradOut, gradIn, log, eager));
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd) {
        Runnable eager = () -> {
            if (x.numel() == 0 || !offload(TaskNames.LAYER_NORM,
                    () -> LayerNormGraph.forward(graphs, device, cpu, x, weight, bias, eps, out, mean, rstd))) {
                cpu.layerNorm(x, weight, bias, eps, out, mean, rstd);
            }
        };
        run(x.numel() == 0 ? StepCall.host("layerNorm", List.of(eps), eager,
                new Tensor[] {x, weight, bias, out, mean, rstd}, READ, READ, READ, WRITE, WRITE, WRITE)
                : StepOps.layerNorm(x, weight, bias, eps, out, mean, rstd, eager));
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut, Tensor gradIn,
                                  Tensor gradWeight, Tensor gradBias) {
        Runnable eager = () -> {
            if (x.numel() == 0 || !offload(TaskNames.LAYER_NORM_BACKWARD, () -> LayerNormGraph.backward(graphs, device,
                    cpu, x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias))) {
                cpu.layerNormBackward(x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias);
            }
        };
        run(x.numel() == 0 ? StepCall.host("layerNormBackward", List.of(), eager,
                new Tensor[] {x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias},
                READ, READ, READ, READ, READ, WRITE, WRITE, WRITE)
                : StepOps.layerNormBackward(x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias, eager));
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        boolean onDevice = out.numel() > 0 && a.size(2) > 0;
        Runnable eager = () -> {
            if (!onDevice || !offload(TaskNames.SGEMM, () -> MatmulGraph.run(graphs, device, cpu, a, b, out))) {
                cpu.matmul(a, b, out);
            }
        };
        run(onDevice ? StepOps.matmul(a, b, out, eager)
                : StepCall.host("matmul", List.of(), eager, new Tensor[] {a, b, out}, READ, READ, WRITE));
    }

    @Override
    public void conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
        Runnable eager = () -> {
            if (out.numel() == 0 || !offload(TaskNames.CONV2D,
                    () -> ConvGraph.forward(graphs, device, cpu, input, weight, bias, params, out))) {
                cpu.conv2d(input, weight, bias, params, out);
            }
        };
        run(out.numel() == 0 ? StepCall.host("conv2d", List.of(params), eager,
                new Tensor[] {input, weight, bias, out}, READ, READ, READ, WRITE)
                : StepOps.conv2d(input, weight, bias, params, out, eager));
    }

    @Override
    public void conv2dInputGrad(Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradInput) {
        boolean onDevice = gradOut.numel() > 0 && gradInput.numel() > 0;
        Runnable eager = () -> {
            if (!onDevice || !offload(TaskNames.CONV2D_INPUT_GRAD,
                    () -> ConvGraph.inputGrad(graphs, device, cpu, gradOut, weight, params, gradInput))) {
                cpu.conv2dInputGrad(gradOut, weight, params, gradInput);
            }
        };
        run(onDevice ? StepOps.conv2dInputGrad(gradOut, weight, params, gradInput, eager)
                : StepCall.host("conv2dInputGrad", List.of(params), eager, new Tensor[] {gradOut, weight, gradInput},
                READ, READ, WRITE));
    }

    @Override
    public void conv2dWeightGrad(Tensor input, Tensor gradOut, Conv2dParams params, Tensor gradWeight) {
        boolean onDevice = gradOut.numel() > 0 && gradWeight.numel() > 0;
        Runnable eager = () -> {
            if (!onDevice || !offload(TaskNames.CONV2D_WEIGHT_GRAD,
                    () -> ConvGraph.weightGrad(graphs, device, cpu, input, gradOut, params, gradWeight))) {
                cpu.conv2dWeightGrad(input, gradOut, params, gradWeight);
            }
        };
        run(onDevice ? StepOps.conv2dWeightGrad(input, gradOut, params, gradWeight, eager)
                : StepCall.host("conv2dWeightGrad", List.of(params), eager, new Tensor[] {input, gradOut, gradWeight},
                READ, READ, WRITE));
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        boolean onDevice = out.numel() > 0 && x.dtype() == DType.FLOAT32;
        Runnable eager = () -> {
            if (!onDevice || !offload(TaskNames.GATHER, () -> IndexGraph.gather(graphs, device, cpu, x, dim, index, out))) {
                cpu.gather(x, dim, index, out);
            }
        };
        run(onDevice ? StepOps.gather(x, dim, index, out, eager)
                : StepCall.host("gather", List.of(dim), eager, new Tensor[] {x, index, out}, READ, READ, WRITE));
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        boolean onDevice = out.numel() > 0 && x.dtype() == DType.FLOAT32;
        Runnable eager = () -> {
            if (!onDevice || !offload(TaskNames.GATHER,
                    () -> IndexGraph.indexSelect(graphs, device, cpu, x, dim, index, out))) {
                cpu.indexSelect(x, dim, index, out);
            }
        };
        run(onDevice ? StepOps.indexSelect(x, dim, index, out, eager)
                : StepCall.host("indexSelect", List.of(dim), eager, new Tensor[] {x, index, out}, READ, READ, WRITE));
    }

    /** On the device without atomics: one work item per element of dst sums its contributions (see IndexKernels). */
    @Override
    public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        Runnable eager = () -> {
            if (index.numel() == 0 || !offload(TaskNames.SCATTER_ADD,
                    () -> IndexGraph.scatterAdd(graphs, device, cpu, dst, dim, index, src))) {
                cpu.scatterAdd(dst, dim, index, src);
            }
        };
        run(index.numel() == 0 ? StepCall.host("scatterAdd", List.of(dim), eager, new Tensor[] {src, dst, index},
                READ, UPDATE, READ) : StepOps.scatterAdd(dst, dim, index, src, eager));
    }

    /**
     * {@inheritDoc}
     *
     * <p>On the device with θ, m and v resident between steps ({@link AdamGraph}, or the step plan inside a
     * captured step): a step uploads the gradient and leaves the three on the device; θ comes back when the
     * host reads it. A parameter or moment that is a view into a larger storage runs the host loop instead, as
     * does an update outside a step of a parameter that a step plan holds.
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
        boolean onDevice = theta.numel() > 0 && wholeStorages;
        Runnable eager = () -> {
            boolean planHeld = StepCapture.held(theta) || StepCapture.held(m) || StepCapture.held(v);
            if (!onDevice || planHeld
                    || !offload(TaskNames.ADAM, () -> AdamGraph.run(device, cpu, transfers, theta, grad, m, v, step))) {
                Backend.super.adamStep(theta, grad, m, v, step);
            }
        };
        run(onDevice ? StepOps.adam(theta, grad, m, v, step, eager) : StepCall.host("adam", List.of(), eager,
                new Tensor[] {theta, grad, m, v}, UPDATE, READ, UPDATE, UPDATE));
    }

    /** Copies of resident buffers (parameters and optimiser moments) between host and device so far. */
    public Transfers transfers() {
        return transfers;
    }

    /**
     * On the CPU backend, except inside a replayed step, where a float copy of rank ≤ 6 is a strided-copy task
     * on the device.
     */
    @Override
    public void copy(Tensor src, Tensor dst) {
        boolean onDevice = dst.numel() > 0 && src.dtype() == DType.FLOAT32 && dst.dtype() == DType.FLOAT32
                && dst.dim() <= CopyKernels.MAX_RANK;
        Runnable eager = () -> cpu.copy(src, dst);
        run(onDevice ? StepOps.copy(src, dst, eager)
                : StepCall.host("copy", List.of(), eager, new Tensor[] {src, dst}, READ, UPDATE));
    }

    // ------------------------------------------------------------ on the CPU backend (see the class comment)

    @Override
    public void clamp(Tensor x, float min, float max, Tensor out) {
        host("clamp", List.of(min, max), () -> cpu.clamp(x, min, max, out), new Tensor[] {x, out}, READ, UPDATE);
    }

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor out) {
        // The seed changes every step; it is not part of what a replay must repeat.
        host("dropout", List.of(p), () -> cpu.dropout(x, p, seed, out), new Tensor[] {x, out}, READ, UPDATE);
    }

    @Override
    public void compare(CompareOp op, Tensor a, Tensor b, Tensor out) {
        host("compare", List.of(op), () -> cpu.compare(op, a, b, out), new Tensor[] {a, b, out}, READ, READ, UPDATE);
    }

    @Override
    public void where(Tensor condition, Tensor a, Tensor b, Tensor out) {
        host("where", List.of(), () -> cpu.where(condition, a, b, out), new Tensor[] {condition, a, b, out},
                READ, READ, READ, UPDATE);
    }

    @Override
    public void variance(Tensor x, int reducedDims, int correction, Tensor out) {
        host("variance", List.of(reducedDims, correction), () -> cpu.variance(x, reducedDims, correction, out),
                new Tensor[] {x, out}, READ, UPDATE);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int reducedDims, Tensor out) {
        host("argReduce", List.of(max, reducedDims), () -> cpu.argReduce(max, x, reducedDims, out),
                new Tensor[] {x, out}, READ, UPDATE);
    }

    @Override
    public void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        host("topk", List.of(k, largest), () -> cpu.topk(x, k, largest, values, indices),
                new Tensor[] {x, values, indices}, READ, UPDATE, UPDATE);
    }

    @Override
    public void maxPool2d(Tensor input, Pool2dParams params, Tensor out, Tensor indices) {
        host("maxPool2d", List.of(params), () -> cpu.maxPool2d(input, params, out, indices),
                new Tensor[] {input, out, indices}, READ, UPDATE, UPDATE);
    }

    @Override
    public void avgPool2d(Tensor input, Pool2dParams params, Tensor out) {
        host("avgPool2d", List.of(params), () -> cpu.avgPool2d(input, params, out), new Tensor[] {input, out},
                READ, UPDATE);
    }

    @Override
    public void adaptiveAvgPool2d(Tensor input, Tensor out) {
        host("adaptiveAvgPool2d", List.of(), () -> cpu.adaptiveAvgPool2d(input, out), new Tensor[] {input, out},
                READ, UPDATE);
    }

    @Override
    public void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradInput) {
        host("avgPool2dBackward", List.of(params), () -> cpu.avgPool2dBackward(gradOut, params, gradInput),
                new Tensor[] {gradOut, gradInput}, READ, UPDATE);
    }

    @Override
    public void adaptiveAvgPool2dBackward(Tensor gradOut, Tensor gradInput) {
        host("adaptiveAvgPool2dBackward", List.of(), () -> cpu.adaptiveAvgPool2dBackward(gradOut, gradInput),
                new Tensor[] {gradOut, gradInput}, READ, UPDATE);
    }
}
