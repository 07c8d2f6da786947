package dev.cortado.training;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Losses;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.optim.AdamW;
import dev.cortado.training.optim.ParamGroups;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The graph of each step is freed by its backward: 500 training steps of a small ViT (with dropout, so the
 * dropout stream advances too) leave the retained heap where it was after the first 100.
 * benchmarks' VitHeapCheck does the same at the benchmark's full size.
 */
class TrainingMemoryTest {
    private static final int STEPS = 500;
    private static final int WARM_UP = 100;
    /** A leak of even one float per parameter per step would add ~5 MB over 400 steps. */
    private static final long TOLERATED_GROWTH = 256 * 1024;

    @Test
    void retainedHeapStaysFlatOverFiveHundredSteps() {
        VisionTransformer model = new VisionTransformer(new VisionTransformer.Config(8, 1, 4, 16, 2, 2, 32, 3, 0.1f, 5));
        AdamW optimizer = new AdamW(ParamGroups.of(model, 1e-3, 0.01));
        Tensor images = Tensor.randn(1, 4, 1, 8, 8);
        Tensor labels = Tensor.fromLongs(new long[] {0, 1, 2, 1}, 4);
        long afterWarmUp = 0;
        long peakAfter = 0;
        for (int step = 1; step <= STEPS; step++) {
            optimizer.zeroGrad();
            Variable loss = Losses.crossEntropy(model.forward(Variable.constant(images)), labels);
            loss.backward();
            optimizer.step();
            if (step == WARM_UP) {
                afterWarmUp = retainedHeap();
            } else if (step > WARM_UP && step % 100 == 0) {
                peakAfter = Math.max(peakAfter, retainedHeap());
            }
        }
        long growth = peakAfter - afterWarmUp;
        assertTrue(growth < TOLERATED_GROWTH, "retained heap grew by " + growth + " bytes between step " + WARM_UP
                + " (" + afterWarmUp + ") and step " + STEPS + " (peak " + peakAfter + ")");
    }

    /** Heap in use after a full collection (the test JVM runs the parallel collector, whose System.gc() is a full GC). */
    private static long retainedHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
