package dev.cortado.benchmarks;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
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
 * Square single-precision matrix product {@code C = A·B} (all n × n, dense row-major host tensors) through a
 * backend's matmul: the CPU backend's kernel with {@code threads} threads, or another backend by name
 * ({@code tornado}: copy in, kernel, copy out). One product costs 2n³ flops, so
 * GFLOP/s = 2n³ / (reported ms · 10⁶); {@code benchmarks/compare.sh sgemm} (and {@code tornado-sgemm}) print
 * that next to PyTorch's ({@code benchmarks/reference/sgemm_torch.py}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SgemmBenchmark {
    @Param({"256", "512", "1024", "2048"})
    public int n;

    @Param("2")
    public int threads;

    @Param("cpu")
    public String backendName;

    private Backend backend;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup
    public void setUp() {
        backend = BenchmarkBackends.open(backendName, threads);
        a = Tensor.randn(1, 1, n, n);
        b = Tensor.randn(2, 1, n, n);
        c = Tensor.zeros(1, n, n);
    }

    @Benchmark
    public Tensor multiply() {
        backend.matmul(a, b, c);
        return c;
    }
}
