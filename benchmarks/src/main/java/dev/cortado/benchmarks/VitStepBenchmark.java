package dev.cortado.benchmarks;

import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Losses;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.training.optim.AdamW;
import dev.cortado.training.optim.ParamGroups;
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
 * One training step of a small ViT (forward, cross-entropy, backward, AdamW update) and one evaluation
 * forward, as benchmarks/reference/vit_step_torch.py does in PyTorch: 28×28×1 images, patch 4, depth 4, width
 * 128 with 4 heads and MLP 256 (the {@code width} parameter scales them: width / 32 heads, MLP 2 · width),
 * 10 classes, dropout 0, batch 64, on a CPU backend with {@code threads} threads or on another backend by
 * name ({@code compare.sh tornado-vit-step} times {@code tornado} against the CPU, at three widths).
 * The fork pre-touches a fixed heap, as bin/cortado does: every op allocates its result, and first touches of
 * fresh heap pages (page faults) otherwise cost as much as zeroing them (measured: 1.5 ms against 0.35 ms
 * for a 2.5 MB tensor).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms3g", "-Xmx3g",
        "-XX:+AlwaysPreTouch"})
public class VitStepBenchmark {
    @Param({"64"})
    public int batch;

    @Param({"2"})
    public int threads;

    @Param("cpu")
    public String backendName;

    /** Model width; the heads (of 32 dims each) and the MLP (2 · width) scale with it. */
    @Param({"128"})
    public int width;

    private Backend backend;
    private VisionTransformer model;
    private AdamW optimizer;
    private Tensor images;
    private Tensor labels;

    @Setup
    public void setUp() {
        backend = BenchmarkBackends.open(backendName, threads);
        model = new VisionTransformer(new VisionTransformer.Config(28, 1, 4, width, 4, width / 32, 2 * width, 10, 0f, 7));
        optimizer = new AdamW(ParamGroups.of(model, 1e-3, 0.01));
        images = Tensor.randn(1, batch, 1, 28, 28);
        long[] classes = new long[batch];
        for (int i = 0; i < batch; i++) {
            classes[i] = i % 10;
        }
        labels = Tensor.fromLongs(classes, batch);
    }

    @Benchmark
    public float step() {
        try (var scope = Backends.use(backend)) {
            model.train();
            // A backend may capture the step and replay it on its device (Backend.step).
            return backend.step(() -> {
                optimizer.zeroGrad();
                Variable loss = Losses.crossEntropy(model.forward(Variable.constant(images)), labels);
                loss.backward();
                optimizer.step();
                return loss.data().item();
            });
        }
    }

    @Benchmark
    public Tensor forward() {
        try (var scope = Backends.use(backend); var noGrad = NoGrad.enter()) {
            model.eval();
            return model.forward(Variable.constant(images)).data();
        }
    }
}
