package dev.cortado.benchmarks;

import dev.cortado.tensor.Tensor;
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

/** Softmax and layer norm over {@code rows} rows of 1024 floats (the kernels, into preallocated outputs). */
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
    private Tensor out;
    private Tensor weight;
    private Tensor bias;

    @Setup
    public void setUp() {
        backend = new CpuBackend(threads);
        x = Tensor.randn(1, rows, width);
        out = Tensor.zeros(rows, width);
        weight = Tensor.randn(2, width);
        bias = Tensor.randn(3, width);
    }

    @Benchmark
    public Tensor softmax() {
        backend.softmax(x, out, false);
        return out;
    }

    @Benchmark
    public Tensor logSoftmax() {
        backend.softmax(x, out, true);
        return out;
    }

    @Benchmark
    public Tensor layerNorm() {
        backend.layerNorm(x, weight, bias, 1e-5f, out, null, null);
        return out;
    }
}
