package dev.cortado.benchmarks;

import dev.cortado.tensor.Indexing;
import dev.cortado.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The indexing ops at the sizes a small language model uses them: an embedding lookup of 2048 tokens in
 * an 8192 × 512 table, its backward (scatter-add of the token gradients into the table), a scatter-add
 * of 64 values into each row of a 4096 × 1000 matrix, a gather of 64 columns per row, and top-k sampling
 * candidates from 64 rows of 32000 logits.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class IndexingBenchmark {
    private static final int VOCAB = 8192;
    private static final int WIDTH = 512;
    private static final int TOKENS = 2048;

    private Tensor table;
    private Tensor ids;
    private Tensor tokenGrads;
    private Tensor idsPerColumn;
    private Tensor rowTargets;
    private Tensor rowPositions;
    private Tensor rowValues;
    private Tensor matrix;
    private Tensor columns;
    private Tensor logits;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        table = Tensor.randn(1, VOCAB, WIDTH);
        ids = Tensor.fromLongs(random.longs(TOKENS, 0, VOCAB).toArray(), TOKENS);
        tokenGrads = Tensor.randn(2, TOKENS, WIDTH);
        idsPerColumn = ids.reshape(TOKENS, 1).expand(TOKENS, WIDTH);
        rowTargets = Tensor.zeros(4096, 1000);
        rowPositions = Tensor.fromLongs(random.longs(4096 * 64, 0, 1000).toArray(), 4096, 64);
        rowValues = Tensor.randn(5, 4096, 64);
        matrix = Tensor.randn(3, 1024, 1024);
        columns = Tensor.fromLongs(random.longs(1024 * 64, 0, 1024).toArray(), 1024, 64);
        logits = Tensor.randn(4, 64, 32000);
    }

    @Benchmark
    public Tensor embedding() {
        return Indexing.embedding(table, ids);
    }

    @Benchmark
    public Tensor embeddingBackward() {
        return Indexing.scatterAddInPlace(table, 0, idsPerColumn, tokenGrads);
    }

    @Benchmark
    public Tensor scatterAlongRows() {
        return Indexing.scatterAddInPlace(rowTargets, 1, rowPositions, rowValues);
    }

    @Benchmark
    public Tensor gatherColumns() {
        return Indexing.gather(matrix, 1, columns);
    }

    @Benchmark
    public Indexing.TopK topk50() {
        return Indexing.topk(logits, 50);
    }
}
