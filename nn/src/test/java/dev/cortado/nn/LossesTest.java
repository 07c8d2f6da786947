package dev.cortado.nn;

import dev.cortado.autograd.GradCheck;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Losses.Reduction;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Losses against PyTorch (tools/reference/gen_losses.py: values within 1e-5 relative, gradients within
 * 1e-4 relative, both +1e-6 absolute) and central differences ({@link GradCheck#standard()}).
 */
class LossesTest {
    private static final GradCheck CHECK = GradCheck.standard();

    @Test
    void valuesAndGradientsMatchPyTorch() {
        int cases = 0;
        for (Fixtures.Case c : Fixtures.load("losses.json")) {
            Map<String, Variable> leaves = new LinkedHashMap<>();
            c.outputs().fieldNames().forEachRemaining(key -> {
                if (key.startsWith("d")) {
                    leaves.put(key.substring(1), Variable.parameter(c.input(key.substring(1)).copy()));
                }
            });
            Reduction reduction = Reduction.valueOf(c.args().path("reduction").asText("mean").toUpperCase(Locale.ROOT));
            Variable loss = switch (c.op()) {
                case "cross_entropy" -> Losses.crossEntropy(leaves.get("logits"), c.input("target"), reduction,
                        (float) c.doubleArg("label_smoothing"), c.intArg("ignore_index"));
                case "bce_with_logits" -> Losses.binaryCrossEntropyWithLogits(leaves.get("x"), c.input("y"),
                        c.hasInput("pos_weight") ? c.input("pos_weight") : null, reduction);
                case "mse" -> Losses.mse(leaves.get("input"), leaves.get("target"), reduction);
                case "clip" -> Losses.clipContrastive(leaves.get("image"), leaves.get("text"), leaves.get("log_scale"));
                case "cosine_embedding" -> Losses.cosineEmbedding(leaves.get("x1"), leaves.get("x2"), c.input("y"),
                        (float) c.doubleArg("margin"), reduction);
                default -> throw new IllegalStateException("unknown op " + c.op());
            };
            assertClose(c.output("loss"), loss.data(), 1e-6, 1e-5, c.name());
            loss.backward(c.input("r"));
            leaves.forEach((name, leaf) -> assertClose(c.output("d" + name), leaf.grad(), 1e-6, 1e-4,
                    c.name() + " d/d " + name));
            cases++;
        }
        assertEquals(18, cases);
    }

    @Test
    void crossEntropyGradients() {
        Tensor target = Tensor.fromLongs(new long[] {2, -100, 0, 4}, 4);
        CHECK.check("cross entropy, smoothing and ignore", v -> Losses.crossEntropy(v[0], target, Reduction.MEAN,
                0.15f, Losses.IGNORE_INDEX), Tensor.randn(20, 4, 5));
        CHECK.check("cross entropy per sample", v -> Losses.crossEntropy(v[0], target, Reduction.NONE, 0f,
                Losses.IGNORE_INDEX), Tensor.randn(21, 4, 5));
    }

    @Test
    void binaryCrossEntropyGradients() {
        Tensor y = Tensor.rand(22, 3, 4);
        CHECK.check("bce", v -> Losses.binaryCrossEntropyWithLogits(v[0], y, null, Reduction.SUM), Tensor.randn(23, 3, 4));
        Tensor posWeight = Tensor.fromArray(new float[] {0.5f, 1, 2, 4}, 4);
        CHECK.check("bce, pos weight", v -> Losses.binaryCrossEntropyWithLogits(v[0], y, posWeight, Reduction.MEAN),
                Tensor.randn(24, 3, 4));
    }

    /** Saturated logits give finite values and the exact gradient σ(x) − y, also at x = 0. */
    @Test
    void binaryCrossEntropyIsStable() {
        Variable x = Variable.parameter(Tensor.fromArray(new float[] {100, -100, 100, 0, 0}, 5));
        Tensor y = Tensor.fromArray(new float[] {1, 0, 0, 0, 1}, 5);
        Variable loss = Losses.binaryCrossEntropyWithLogits(x, y, null, Reduction.NONE);
        float ln2 = (float) Math.log(2);
        assertClose(Tensor.fromArray(new float[] {0, 0, 100, ln2, ln2}, 5), loss.data(), 1e-6, 1e-6, "values");
        loss.sum().backward();
        assertClose(Tensor.fromArray(new float[] {0, 0, 1, 0.5f, -0.5f}, 5), x.grad(), 1e-6, 1e-6, "σ(x) − y");
    }

    /** Targets that are not probabilities, and a pos weight that would grow the loss's shape, are refused. */
    @Test
    void binaryCrossEntropyRejectsBadTargetsAndPosWeights() {
        Variable x = Variable.constant(Tensor.randn(32, 2, 3));
        Tensor y = Tensor.fromArray(new float[] {0, 1, 0.5f, 2, 0, 1}, 2, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Losses.binaryCrossEntropyWithLogits(x, y, null, Reduction.MEAN));
        assertEquals("binaryCrossEntropyWithLogits: target 2.0 at flat index 3 is not a probability in [0, 1]"
                + " (target [2, 3])", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.binaryCrossEntropyWithLogits(x,
                Tensor.full(-1f, 2, 3), null, Reduction.MEAN));
        assertThrows(IllegalArgumentException.class, () -> Losses.binaryCrossEntropyWithLogits(x,
                Tensor.full(Float.NaN, 2, 3), null, Reduction.MEAN));
        Tensor ok = Tensor.rand(33, 2, 3);
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.binaryCrossEntropyWithLogits(x, ok, Tensor.ones(4, 2, 3), Reduction.NONE));
        assertEquals("binaryCrossEntropyWithLogits: pos weight [4, 2, 3] must broadcast to logits [2, 3]", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Losses.binaryCrossEntropyWithLogits(x, ok, Tensor.ones(4), Reduction.MEAN));
        assertArrayEquals(new int[] {2, 3},
                Losses.binaryCrossEntropyWithLogits(x, ok, Tensor.ones(1, 3), Reduction.NONE).shape());
    }

    @Test
    void mseGradients() {
        CHECK.check("mse", v -> Losses.mse(v[0], v[1], Reduction.MEAN), Tensor.randn(25, 2, 3), Tensor.randn(26, 2, 3));
    }

    @Test
    void clipGradientsIncludingTheLogScale() {
        CHECK.check("clip", v -> Losses.clipContrastive(v[0], v[1], v[2]), Tensor.randn(27, 4, 3),
                Tensor.randn(28, 4, 3), Tensor.scalar(0.7f));
    }

    @Test
    void cosineEmbeddingGradients() {
        Tensor y = Tensor.fromArray(new float[] {1, -1, -1, 1}, 4);
        CHECK.check("cosine embedding", v -> Losses.cosineEmbedding(v[0], v[1], y, -0.9f, Reduction.SUM),
                Tensor.randn(29, 4, 3), Tensor.randn(30, 4, 3));
    }

    @Test
    void clipLossModule() {
        ClipLoss module = new ClipLoss();
        assertEquals(java.util.List.of("logit_scale"), new java.util.ArrayList<>(module.stateDict().keySet()));
        assertEquals((float) Math.log(1 / 0.07), module.logitScale().data().item(), 1e-6);
        Variable image = Variable.constant(Tensor.randn(31, 3, 4));
        Variable loss = module.forward(image, Variable.constant(Tensor.randn(32, 3, 4)));
        loss.backward();
        assertTrue(module.logitScale().grad() != null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> module.forward(image, Variable.constant(Tensor.zeros(2, 4))));
        assertEquals("ClipLoss (ClipLoss): expected text embeddings of shape [3, 4] but got [2, 4]", e.getMessage());
    }

    @Test
    void allIgnoredMeanIsNaNAsInPyTorch() {
        Variable loss = Losses.crossEntropy(Variable.parameter(Tensor.randn(33, 2, 3)),
                Tensor.fromLongs(new long[] {-100, -100}, 2));
        assertTrue(Float.isNaN(loss.data().item()));
    }

    @Test
    void badInputsAreNamed() {
        Variable logits = Variable.constant(Tensor.zeros(2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(logits, Tensor.fromLongs(new long[] {0, 3}, 2)));
        assertEquals("crossEntropy: target 3 at 1 is not a class in [0, 3) nor the ignore index -100", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, Tensor.zeros(2)));
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits,
                Tensor.fromLongs(new long[] {0, 1}, 2), Reduction.MEAN, 1.5f, -100));
        assertThrows(IllegalArgumentException.class, () -> Losses.binaryCrossEntropyWithLogits(logits, Tensor.zeros(3),
                null, Reduction.MEAN));
        assertThrows(IllegalArgumentException.class, () -> Losses.mse(logits, Variable.constant(Tensor.zeros(3, 2)),
                Reduction.MEAN));
        e = assertThrows(IllegalArgumentException.class, () -> Losses.cosineEmbedding(logits, logits,
                Tensor.fromArray(new float[] {1, 0}, 2), 0, Reduction.MEAN));
        assertEquals("cosineEmbedding: targets must be 1 or -1, got 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.clipContrastive(logits,
                Variable.constant(Tensor.zeros(3, 3)), Variable.constant(Tensor.scalar(0))));
    }
}
