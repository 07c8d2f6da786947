package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tornado.AdamStep;
import dev.cortado.tornado.kernels.OptimizerKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * One Adam/AdamW update of a parameter in place:
 * <pre>
 *   θ, g, m, v, scalars ──▶ adam ──▶ θ, m, v
 * </pre>
 * The parameter and its two moments travel both ways on every step; keeping them on the device between steps
 * is the device-residency design in docs/architecture.md.
 */
public final class AdamGraph implements AutoCloseable {
    public record Key(int length) {
    }

    private final FloatArray theta;
    private final FloatArray grad;
    private final FloatArray m;
    private final FloatArray v;
    private final FloatArray scalars = new FloatArray(OptimizerKernels.SCALAR_SLOTS);
    private final DevicePlan plan;

    private AdamGraph(Key key, TornadoDevice device) {
        theta = new FloatArray(key.length());
        grad = new FloatArray(key.length());
        m = new FloatArray(key.length());
        v = new FloatArray(key.length());
        TaskGraph graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.ADAM))
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, theta, grad, m, v, scalars)
                .task(TaskNames.ADAM, OptimizerKernels::adam, theta, grad, m, v, scalars)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, theta, m, v);
        plan = DevicePlan.of(graph, device);
    }

    /** Updates contiguous θ, m and v (same size as the gradient) in place. */
    public static void run(GraphCache cache, TornadoDevice device, Backend cpu, Tensor thetaIn, Tensor gradIn,
                           Tensor mIn, Tensor vIn, AdamStep step) {
        AdamGraph graph = cache.get(new Key(thetaIn.numel()), k -> new AdamGraph(k, device));
        graph.execute(thetaIn, gradIn, mIn, vIn, step, cpu);
    }

    private synchronized void execute(Tensor thetaIn, Tensor gradIn, Tensor mIn, Tensor vIn, AdamStep step, Backend cpu) {
        HostCopies.packDense(thetaIn, theta, cpu);
        HostCopies.packDense(gradIn, grad, cpu);
        HostCopies.packDense(mIn, m, cpu);
        HostCopies.packDense(vIn, v, cpu);
        scalars.set(OptimizerKernels.BETA1, step.beta1());
        scalars.set(OptimizerKernels.BETA2, step.beta2());
        scalars.set(OptimizerKernels.ONE_MINUS_BETA1, step.oneMinusBeta1());
        scalars.set(OptimizerKernels.ONE_MINUS_BETA2, step.oneMinusBeta2());
        scalars.set(OptimizerKernels.STEP_SIZE, step.stepSize());
        scalars.set(OptimizerKernels.BIAS2_SQRT, step.bias2Sqrt());
        scalars.set(OptimizerKernels.EPS, step.eps());
        scalars.set(OptimizerKernels.L2, step.l2());
        scalars.set(OptimizerKernels.SHRINK, step.shrink());
        plan.execute();
        HostCopies.unpack(theta, thetaIn, cpu);
        HostCopies.unpack(m, mIn, cpu);
        HostCopies.unpack(v, vIn, cpu);
        thetaIn.markModified();
        mIn.markModified();
        vIn.markModified();
    }

    @Override
    public void close() {
        plan.close();
    }
}
