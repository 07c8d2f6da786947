package dev.cortado.benchmarks;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.BinaryOp;
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
 * Elementwise add against a plain array copy of the same length. Bandwidth: add moves 12 bytes per
 * element (two reads, one write), the copy 8 (one read, one write); GB/s = bytes · n / time.
 * {@code addKernel} writes into a preallocated output (the kernel alone); {@code addOp} is the public op,
 * which also allocates and zeroes its result.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ElementwiseBenchmark {
    /** 1M floats (4 MB, cache-resident on large L2/L3) and 16M floats (64 MB, main memory). */
    @Param({"1048576", "16777216"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private CpuBackend backend;
    private Tensor a;
    private Tensor b;
    private Tensor out;
    private float[] source;
    private float[] target;

    @Setup
    public void setUp() {
        backend = new CpuBackend(threads);
        a = Tensor.randn(1, n);
        b = Tensor.randn(2, n);
        out = Tensor.zeros(n);
        source = a.floatData();
        target = new float[n];
    }

    @Benchmark
    public Tensor addKernel() {
        backend.binary(BinaryOp.ADD, a, b, out);
        return out;
    }

    @Benchmark
    public Tensor addOp() {
        try (var scope = Backends.use(backend)) {
            return Elementwise.add(a, b);
        }
    }

    /** The baseline: one System.arraycopy of n floats (single-threaded, whatever {@code threads} says). */
    @Benchmark
    public float[] copyBaseline() {
        System.arraycopy(source, 0, target, 0, n);
        return target;
    }
}
