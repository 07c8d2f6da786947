package dev.cortado.tornado.graphs;

import dev.cortado.tensor.DeviceMirror;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.AdamStep;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tornado.kernels.OptimizerKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The Adam/AdamW update of one parameter with θ, m and v resident on the device between steps:
 * <pre>
 *   θ, m, v (device, kept)  ─┐
 *   g, scalars (host, every step) ─┴─▶ adam ──▶ θ, m, v (device, kept; to the host only on demand)
 * </pre>
 * One graph per parameter, held by the parameter storage's mirror ({@link ResidentArray}), built on its first
 * step and reused. θ, m and v travel to the device only at the graph's first execution
 * ({@code FIRST_EXECUTION}); after a step their host copies are stale, and a host read of θ (the next forward
 * pass on the CPU or another graph, a checkpoint) downloads it through {@link #transferToHost}. When the host
 * has written one of them since (a state-dict load, a LoRA merge), the graph is rebuilt, so that its first
 * execution uploads the current values; that costs a compilation and is rare.
 *
 * <p>TornadoVM 5.2.1 keeps a device buffer per task graph (per execution plan), so another graph cannot read
 * this one's θ in place: other ops read it through the host.
 */
public final class AdamGraph implements AutoCloseable {
    private final TornadoDevice device;
    private final ResidentArray theta;
    private final ResidentArray m;
    private final ResidentArray v;
    private final FloatArray grad;
    private final FloatArray scalars = new FloatArray(OptimizerKernels.SCALAR_SLOTS);
    private DevicePlan plan;
    private TornadoExecutionResult lastResult;

    private AdamGraph(TornadoDevice device, ResidentArray theta, ResidentArray m, ResidentArray v) {
        this.device = device;
        this.theta = theta;
        this.m = m;
        this.v = v;
        this.grad = new FloatArray(theta.array.getSize());
        for (ResidentArray r : new ResidentArray[] {theta, m, v}) {
            r.bind(this);
        }
    }

    /**
     * Updates contiguous θ, m and v (whole storages, same size as the gradient) in place on the device, building
     * the parameter's resident graph on its first step (again when m and v are other tensors, after a state load).
     */
    public static void run(TornadoDevice device, Backend cpu, Transfers transfers, Tensor thetaIn, Tensor gradIn,
                           Tensor mIn, Tensor vIn, AdamStep step) {
        for (Tensor t : new Tensor[] {thetaIn, mIn, vIn}) {
            if (t.offset() != 0 || t.numel() != t.storage().length()) {
                throw new IllegalArgumentException("tornado adamStep: parameter and moments must each fill their storage, got "
                        + t.numel() + " of " + t.storage().length() + " elements at offset " + t.offset());
            }
        }
        AdamGraph graph = thetaIn.storage().mirror() instanceof ResidentArray r ? r.owner() : null;
        if (graph == null || graph.m.storage() != mIn.storage() || graph.v.storage() != vIn.storage()) {
            if (graph != null) {
                graph.close();
            }
            graph = new AdamGraph(device, new ResidentArray(thetaIn, transfers), new ResidentArray(mIn, transfers),
                    new ResidentArray(vIn, transfers));
        }
        graph.execute(gradIn, step, cpu, transfers);
    }

    private synchronized void execute(Tensor gradIn, AdamStep step, Backend cpu, Transfers transfers) {
        boolean hostNewer = theta.storage().deviceStale() || m.storage().deviceStale() || v.storage().deviceStale();
        if (plan == null || hostNewer) {
            // Bring all three to the host (downloading those the device holds newer) before a fresh plan uploads them.
            theta.stageUpload();
            m.stageUpload();
            v.stageUpload();
            if (plan != null) {
                plan.close();
            }
            TaskGraph graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.ADAM))
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, theta.array, m.array, v.array)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, grad, scalars)
                    .task(TaskNames.ADAM, OptimizerKernels::adam, theta.array, grad, m.array, v.array, scalars)
                    .transferToHost(DataTransferMode.UNDER_DEMAND, theta.array, m.array, v.array);
            plan = DevicePlan.of(graph, device);
        }
        HostCopies.packDense(gradIn, grad, cpu);
        transfers.countUpload();
        setScalars(scalars, step);
        lastResult = plan.execute();
        theta.storage().markDeviceWritten();
        m.storage().markDeviceWritten();
        v.storage().markDeviceWritten();
    }

    /** Writes one step's scalars into {@link OptimizerKernels#adam}'s scalar buffer. */
    static void setScalars(FloatArray scalars, AdamStep step) {
        scalars.set(OptimizerKernels.BETA1, step.beta1());
        scalars.set(OptimizerKernels.BETA2, step.beta2());
        scalars.set(OptimizerKernels.ONE_MINUS_BETA1, step.oneMinusBeta1());
        scalars.set(OptimizerKernels.ONE_MINUS_BETA2, step.oneMinusBeta2());
        scalars.set(OptimizerKernels.STEP_SIZE, step.stepSize());
        scalars.set(OptimizerKernels.BIAS2_SQRT, step.bias2Sqrt());
        scalars.set(OptimizerKernels.EPS, step.eps());
        scalars.set(OptimizerKernels.L2, step.l2());
        scalars.set(OptimizerKernels.SHRINK, step.shrink());
    }

    /** Copies {@code array}'s device buffer (θ, m or v of this graph) into the FloatArray. */
    synchronized void transferToHost(FloatArray array) {
        lastResult.transferToHost(array);
    }

    /** Brings θ, m and v to the host, detaches them from their storages and frees the device buffers. */
    @Override
    public synchronized void close() {
        for (ResidentArray r : new ResidentArray[] {theta, m, v}) {
            r.storage().detachMirror();
        }
        if (plan != null) {
            plan.close();
            plan = null;
        }
    }
}
