package dev.cortado.tornado.graphs;

import java.util.concurrent.atomic.AtomicLong;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * One immutable task graph and its execution plan on one device, built once per shape and executed on every
 * call with that shape. The kernel is compiled on the first {@link #execute()}.
 */
public final class DevicePlan implements AutoCloseable {
    private static final AtomicLong GRAPHS = new AtomicLong();

    private final TornadoExecutionPlan plan;

    private DevicePlan(TornadoExecutionPlan plan) {
        this.plan = plan;
    }

    /** A graph name unique in this process, so that grid schedulers of different shapes never collide. */
    static String uniqueName(String task) {
        return task + "_" + GRAPHS.incrementAndGet();
    }

    /** Snapshots {@code graph} into a plan on {@code device}. */
    static DevicePlan of(TaskGraph graph, TornadoDevice device) {
        return new DevicePlan(new TornadoExecutionPlan(graph.snapshot()).withDevice(device));
    }

    /** As {@link #of(TaskGraph, TornadoDevice)}, with an explicit grid for kernels written with a KernelContext. */
    static DevicePlan of(TaskGraph graph, TornadoDevice device, GridScheduler grid) {
        return new DevicePlan(new TornadoExecutionPlan(graph.snapshot()).withDevice(device).withGridScheduler(grid));
    }

    /**
     * Copies the inputs in, runs the task, copies the outputs back (blocking), each as its transfer mode says;
     * the result copies {@code UNDER_DEMAND} outputs on request.
     */
    TornadoExecutionResult execute() {
        return plan.execute();
    }

    @Override
    public void close() {
        try {
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("tornado: releasing a task graph's device memory failed: " + e.getMessage(), e);
        }
    }
}
