package dev.cortado.benchmarks;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Losses;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.training.optim.AdamW;
import dev.cortado.training.optim.ParamGroups;

import java.lang.management.ManagementFactory;

/**
 * Runs 500 training steps of the vit-step benchmark's model (batch 64, 2 threads) and prints the heap
 * retained after a full GC every 50 steps, to show that training does not accumulate memory:
 * <pre>
 * java --add-modules=jdk.incubator.vector -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar \
 *     dev.cortado.benchmarks.VitHeapCheck
 * </pre>
 */
public final class VitHeapCheck {
    private VitHeapCheck() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        VisionTransformer model = new VisionTransformer(new VisionTransformer.Config(28, 1, 4, 128, 4, 4, 256, 10, 0.1f, 7));
        AdamW optimizer = new AdamW(ParamGroups.of(model, 1e-3, 0.01));
        Tensor images = Tensor.randn(1, 64, 1, 28, 28);
        long[] classes = new long[64];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = i % 10;
        }
        Tensor labels = Tensor.fromLongs(classes, 64);
        long first = -1;
        long started = System.nanoTime();
        try (var scope = Backends.use(new CpuBackend(2))) {
            for (int step = 1; step <= steps; step++) {
                optimizer.zeroGrad();
                Variable loss = Losses.crossEntropy(model.forward(Variable.constant(images)), labels);
                loss.backward();
                optimizer.step();
                if (step % 50 == 0) {
                    System.gc();
                    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    first = first < 0 ? used : first;
                    System.out.printf("step=%d loss=%.4f retained_mb=%.2f growth_since_step50_kb=%.1f ms_per_step=%.1f%n",
                            step, loss.data().item(), used / 1048576.0, (used - first) / 1024.0,
                            (System.nanoTime() - started) / 1e6 / step);
                }
            }
        }
    }
}
