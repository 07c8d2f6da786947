package dev.cortado.benchmarks;

import dev.cortado.tornado.TornadoBackend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * What TornadoVM costs per kernel launch when no data moves: one task graph of {@code tasks} dependent tasks
 * ({@code x₁ = x₀ + 1, x₂ = x₁ + 1, …}, the last one into a single float read back to wait for the chain) over
 * n floats, every other buffer resident on the device, executed once per call. Milliseconds per call ÷ tasks
 * is the floor of any device training step built from that many kernels, however they are grouped into graphs;
 * {@code compare.sh tornado-dispatch} sets it beside PyTorch's cost per CUDA op ({@code dispatch_torch.py}).
 *
 * <pre>
 *   x₀ (on the device) ──▶ addOne ──▶ x₁ ──▶ … ──▶ addOne ──▶ x_(tasks-1) ──▶ addOne (first element) ──▶ last ──▶ host
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 6, time = 1)
// TornadoVM encodes a graph in a bytecode buffer of 4,096 bytes by default, too small for 64 tasks.
@Fork(value = 1, jvmArgsAppend = "-Dtornado.tvm.maxbytecodesize=65536")
public class TornadoDispatchBenchmark {
    /** Floats per buffer: 1 Ki (launch-bound) and 64 × 50 × 128, a ViT activation of compare.sh tornado-vit-step. */
    @Param({"1024", "409600"})
    public int n;

    /** Tasks in the graph (TornadoVM 5.2.1 takes at most 256 per graph). */
    @Param({"1", "16", "64"})
    public int tasks;

    private TornadoExecutionPlan plan;

    /** {@code next[i] = previous[i] + 1}: a kernel whose own time is negligible next to its launch. */
    public static void addOne(FloatArray previous, FloatArray next) {
        for (@Parallel int i = 0; i < next.getSize(); i++) {
            next.set(i, previous.get(i) + 1f);
        }
    }

    @Setup
    public void setUp() {
        TornadoBackend backend = (TornadoBackend) BenchmarkBackends.open("tornado", 1);
        FloatArray[] chain = new FloatArray[tasks];
        for (int i = 0; i < tasks; i++) {
            chain[i] = new FloatArray(n);
        }
        FloatArray last = new FloatArray(1);
        TaskGraph graph = new TaskGraph("dispatch").transferToDevice(DataTransferMode.FIRST_EXECUTION, chain[0]);
        for (int i = 1; i < tasks; i++) {
            graph.task("add" + i, TornadoDispatchBenchmark::addOne, chain[i - 1], chain[i]);
        }
        graph.task("last", TornadoDispatchBenchmark::addOne, chain[tasks - 1], last)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, last)
                .transferToHost(DataTransferMode.UNDER_DEMAND, chain[tasks - 1]);
        plan = new TornadoExecutionPlan(graph.snapshot()).withDevice(backend.device());
        plan.execute().transferToHost(chain[tasks - 1]);
        // A chain that did not run on the device, or not in order, must not be timed.
        if (chain[tasks - 1].get(n - 1) != tasks - 1 || last.get(0) != tasks) {
            throw new IllegalStateException("dispatch chain of " + tasks + " tasks computed " + chain[tasks - 1].get(n - 1)
                    + " and " + last.get(0) + ", expected " + (tasks - 1) + " and " + tasks);
        }
    }

    @Benchmark
    public void chain() {
        plan.execute();
    }

    @TearDown
    public void tearDown() throws Exception {
        plan.close();
    }
}
