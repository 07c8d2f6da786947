package dev.cortado.nn;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.autograd.PoolOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Pool2dParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pooling layers, BatchNorm2d's buffers and modes, Embedding, and their printouts and errors. */
class PoolingAndNormLayersTest {
    @Test
    void printoutsReadLikePyTorch() {
        assertEquals("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)",
                new MaxPool2d(3, 2, 1).toString());
        assertEquals("AvgPool2d(kernel_size=2, stride=2, padding=0)", new AvgPool2d(2).toString());
        assertEquals("AvgPool2d(kernel_size=(3, 2), stride=1, padding=(1, 0), ceil_mode=True, count_include_pad=False)",
                new AvgPool2d(new Pool2dParams(3, 2, 1, 1, 1, 0, 1, 1, true, false)).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(7, 5))", new AdaptiveAvgPool2d(7, 5).toString());
        assertEquals("BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)",
                new BatchNorm2d(64).toString());
        assertEquals("Embedding(10, 3)", new Embedding(10, 3, 1).toString());
    }

    @Test
    void pythonNumberRepr() {
        assertEquals("1e-05", Repr.number(1e-5f));
        assertEquals("0.1", Repr.number(0.1f));
        assertEquals("1.0", Repr.number(1f));
        assertEquals("0.001", Repr.number(1e-3f));
        assertEquals("-2.5e-07", Repr.number(-2.5e-7f));
        assertEquals("1e+20", Repr.number(1e20f));
        assertEquals("0.0", Repr.number(0f));
    }

    @Test
    void poolingLayersRunTheirOpsOnBatchedAndUnbatchedInput() {
        Tensor x = Tensor.randn(1, 2, 3, 8, 8);
        Pool2dParams resnet = Pool2dParams.of(3, 2, 1);
        assertClose(PoolOps.maxPool2d(Variable.constant(x), resnet).data(),
                new MaxPool2d(3, 2, 1).forward(Variable.constant(x)).data(), 0, 0, "max");
        assertArrayEquals(new int[] {3, 4, 4}, new AvgPool2d(2).forward(Variable.constant(x.select(0, 1))).shape());
        assertArrayEquals(new int[] {2, 3, 1, 1}, new AdaptiveAvgPool2d(1).forward(Variable.constant(x)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(new MaxPool2d(2)).forward(Variable.constant(Tensor.zeros(8, 8))));
        assertEquals("0 (MaxPool2d): expected input of shape [N, C, H, W] or [C, H, W] but got [8, 8]", e.getMessage());
    }

    @Test
    void batchNormStateDictHasPyTorchKeysAndShapes() {
        BatchNorm2d bn = new BatchNorm2d(4);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.stateDict().keySet()));
        assertEquals(8, bn.parameterCount());
        Tensor count = bn.stateDict().get("num_batches_tracked");
        assertEquals(DType.INT64, count.dtype());
        assertArrayEquals(new int[0], count.shape());
        assertClose(Tensor.ones(4), bn.runningVar(), 0, 0, "running_var starts at 1");
        assertEquals(List.of("weight", "bias"), List.copyOf(new BatchNorm2d(4, 1e-3f, 0.5f, true, false)
                .stateDict().keySet()), "without running statistics there are no buffers");
    }

    @Test
    void trainingUpdatesRunningStatisticsWithMomentumAndEvalUsesThem() {
        BatchNorm2d bn = new BatchNorm2d(2);
        // Channel 0 holds 1..4, channel 1 holds 2·(1..4): means 2.5 and 5, unbiased variances 5/3 and 20/3.
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 2, 4, 6, 8}, 1, 2, 2, 2);
        bn.forward(Variable.constant(x));
        bn.forward(Variable.constant(x));
        // After two steps from (0, 1): m = 0.19·batch, v = 0.81 + 0.19·batch.
        assertClose(Tensor.fromArray(new float[] {0.19f * 2.5f, 0.19f * 5f}, 2), bn.runningMean(), 1e-6, 1e-5, "mean");
        assertClose(Tensor.fromArray(new float[] {0.81f + 0.19f * 5 / 3f, 0.81f + 0.19f * 20 / 3f}, 2),
                bn.runningVar(), 1e-6, 1e-5, "var");
        assertEquals(2, bn.numBatchesTracked());

        bn.eval();
        Tensor before = bn.runningMean().copy();
        Tensor y = bn.forward(Variable.constant(x)).data();
        assertEquals(2, bn.numBatchesTracked(), "eval leaves the count alone");
        assertClose(before, bn.runningMean(), 0, 0, "eval leaves the running mean alone");
        Tensor expected = Elementwise.div(Elementwise.sub(x, bn.runningMean().reshape(1, 2, 1, 1)),
                Elementwise.sqrt(Elementwise.add(bn.runningVar().reshape(1, 2, 1, 1), 1e-5f)));
        assertClose(expected, y, 1e-6, 1e-5, "eval normalises with the running statistics");
    }

    @Test
    void withoutRunningStatisticsEvalStillUsesTheBatch() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5f, 0.1f, false, false);
        bn.eval();
        Tensor y = bn.forward(Variable.constant(Tensor.randn(2, 4, 3, 2, 2))).data();
        assertClose(Tensor.zeros(3), Reductions.mean(y, new int[] {0, 2, 3}, false), 1e-5, 0, "batch-normalised");
    }

    @Test
    void batchNormRejectsWrongChannelsAndSingleValues() {
        BatchNorm2d bn = new BatchNorm2d(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bn.forward(Variable.constant(Tensor.zeros(2, 4, 5, 5))));
        assertEquals("BatchNorm2d (BatchNorm2d): expected input of shape [*, 3, *, *] but got [2, 4, 5, 5]",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Variable.constant(Tensor.zeros(1, 3, 1, 1))));
        assertTrue(e.getMessage().contains("more than one value per channel"), e.getMessage());
    }

    @Test
    void embeddingIsStandardNormalSeededAndChecksIds() {
        Tensor w = new Embedding(1000, 16, 7).weight().data();
        assertEquals(0, Reductions.mean(w).item(), 0.02);
        assertEquals(1, Reductions.var(w, new int[0], 1, false).item(), 0.05);
        assertClose(w, new Embedding(1000, 16, 7).weight().data(), 0, 0, "same seed, same weights");
        assertEquals(List.of("weight"), List.copyOf(new Embedding(4, 2, 1).stateDict().keySet()));

        Embedding emb = new Embedding(5, 2, 3);
        Tensor ids = Tensor.fromLongs(new long[] {4, 0, 4}, 3);
        Variable y = emb.forward(ids);
        assertClose(emb.weight().data().select(0, 4), y.data().select(0, 2), 0, 0, "row 4");
        y.backward(Tensor.ones(3, 2));
        assertClose(Tensor.fromArray(new float[] {1, 1, 0, 0, 0, 0, 0, 0, 2, 2}, 5, 2), emb.weight().grad(), 0, 0,
                "repeated ids accumulate");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> emb.forward(Tensor.fromLongs(new long[] {1, 5}, 2)));
        assertEquals("Embedding (Embedding): id 5 is outside [0, 5) in ids of shape [2]", e.getMessage());
    }
}
