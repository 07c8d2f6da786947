package dev.cortado.benchmarks;

import dev.cortado.tornado.TornadoBackend;
import dev.cortado.tornado.graphs.MatmulGraph;
import dev.cortado.tornado.graphs.TaskNames;
import dev.cortado.tornado.kernels.MatmulKernels;
import java.util.SplittableRandom;
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
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The device's SGEMM kernel alone, {@code C = A·B} with n × n operands already on the device: the operands are
 * copied in once, and each call runs {@link MatmulKernels#sgemm} and waits for it (by reading back the 36-byte
 * layout, queued behind the kernel: TornadoVM only flushes the queue), with C left on the device. This
 * is the like-for-like of a PyTorch matmul of CUDA tensors ({@code sgemm_torch.py --device cuda}); the
 * {@code tornado} case of {@link SgemmBenchmark} adds the copies a host tensor needs. GFLOP/s = 2n³ / (ms · 10⁶).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class TornadoSgemmKernelBenchmark {
    private static final String GRAPH = "sgemmKernelBenchmark";

    @Param({"1024", "2048", "4096"})
    public int n;

    private TornadoExecutionPlan plan;

    @Setup
    public void setUp() {
        TornadoBackend backend = (TornadoBackend) BenchmarkBackends.open("tornado", 1);
        FloatArray a = random(n, 1);
        FloatArray b = random(n, 2);
        FloatArray c = new FloatArray(n * n);
        IntArray layout = new IntArray(MatmulKernels.LAYOUT_SLOTS);
        int[] rowMajor = {n * n, n, 1};
        MatmulGraph.setLayout(layout, n, n, n, rowMajor, rowMajor);
        MatmulGraph.Tiling tiling = MatmulGraph.tiling(1, n, n);
        TaskGraph graph = new TaskGraph(GRAPH)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b, layout)
                .task(TaskNames.SGEMM, MatmulKernels::sgemm, new KernelContext(), a, b, c, layout, tiling.tile(),
                        tiling.tileK(), tiling.vec())
                .transferToHost(DataTransferMode.EVERY_EXECUTION, layout)
                .transferToHost(DataTransferMode.UNDER_DEMAND, c);
        plan = new TornadoExecutionPlan(graph.snapshot()).withDevice(backend.device())
                .withGridScheduler(new GridScheduler(GRAPH + "." + TaskNames.SGEMM, MatmulGraph.grid(1, n, n)));
        plan.execute().transferToHost(c);
        checkSomeEntries(a, b, c);
    }

    /** A wrong kernel must not be timed: a few entries of C against double-precision dot products. */
    private void checkSomeEntries(FloatArray a, FloatArray b, FloatArray c) {
        SplittableRandom random = new SplittableRandom(3);
        for (int probe = 0; probe < 16; probe++) {
            int row = random.nextInt(n);
            int col = random.nextInt(n);
            double expected = 0;
            double magnitude = 0;
            for (int k = 0; k < n; k++) {
                double term = (double) a.get(row * n + k) * b.get(k * n + col);
                expected += term;
                magnitude += Math.abs(term);
            }
            if (Math.abs(c.get(row * n + col) - expected) > 1e-5 * magnitude) {
                throw new IllegalStateException("sgemm n=" + n + ": C[" + row + "," + col + "] = " + c.get(row * n + col)
                        + ", expected " + expected);
            }
        }
    }

    private static FloatArray random(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FloatArray array = new FloatArray(n * n);
        for (int i = 0; i < n * n; i++) {
            array.set(i, (float) (random.nextDouble() * 2 - 1));
        }
        return array;
    }

    @Benchmark
    public void kernel() {
        plan.execute();
    }

    @TearDown
    public void tearDown() throws Exception {
        plan.close();
    }
}
