package dev.cortado.benchmarks;

import dev.cortado.tensor.LayerNorm;
import dev.cortado.tensor.Softmax;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Softmax, log-softmax and layer norm over {@code rows} rows of {@code width} floats through the public
 * ops (which allocate their result, as PyTorch's do), on a CPU backend with {@code threads} threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class RowOpsBenchmark {
    @Param({"1024"})
    public int width;

    @Param({"4096"})
    public int rows;

    @Param({"2"})
    public int threads;

    private CpuBackend backend;
    private Tensor x;
    private Tensor weight;
    private Tensor bias;

    @Setup
    public void setUp() {
        backend = new CpuBackend(threads);
        x = Tensor.randn(1, rows, width);
        weight = Tensor.randn(2, width);
        bias = Tensor.randn(3, width);
    }

    @Benchmark
    public Tensor softmax() {
        try (var scope = Backends.use(backend)) {
            return Softmax.softmax(x, -1);
        }
    }

    @Benchmark
    public Tensor logSoftmax() {
        try (var scope = Backends.use(backend)) {
            return Softmax.logSoftmax(x, -1);
        }
    }

    @Benchmark
    public Tensor layerNorm() {
        try (var scope = Backends.use(backend)) {
            return LayerNorm.layerNorm(x, new int[] {width}, weight, bias, 1e-5f);
        }
    }
}
