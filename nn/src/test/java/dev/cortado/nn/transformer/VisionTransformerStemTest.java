package dev.cortado.nn.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Linear;
import dev.cortado.nn.transformer.VisionTransformer.Config;
import dev.cortado.nn.transformer.VisionTransformer.Stem;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The convolutional stem's structure, its configuration errors and its batch norms' two modes (its values against
 * PyTorch are in {@link AttentionParityTest}).
 */
class VisionTransformerStemTest {
    private static final Config MNIST_LIKE = new Config(28, 1, 7, 32, 1, 2, 64, 10, 0f, 3, Stem.CONV);

    @Test
    void halvesTheImageToThePatchGridWithChannelsDoublingToHalfTheWidth() {
        VisionTransformer vit = new VisionTransformer(MNIST_LIKE);
        Map<String, Tensor> state = vit.stateDict();
        // 28 → 14 → 7 → 4: three 3×3 stride-2 convolutions (4, 8, 16 channels) without bias, each with a batch
        // norm, then 1×1 to 32.
        assertArrayEquals(new int[] {4, 1, 3, 3}, state.get("patch_embed.0.weight").shape());
        assertFalse(state.containsKey("patch_embed.0.bias"), "the batch norm after it has the shift");
        assertArrayEquals(new int[] {4}, state.get("patch_embed.1.running_mean").shape());
        assertArrayEquals(new int[] {8, 4, 3, 3}, state.get("patch_embed.3.weight").shape());
        assertArrayEquals(new int[] {16, 8, 3, 3}, state.get("patch_embed.6.weight").shape());
        assertArrayEquals(new int[] {32, 16, 1, 1}, state.get("patch_embed.9.weight").shape());
        assertArrayEquals(new int[] {1, 17, 32}, state.get("pos_embedding").shape(), "16 tokens, as patch 7 gives");
        assertArrayEquals(new int[] {2, 32}, vit.features(Variable.constant(Tensor.randn(1, 2, 1, 28, 28))).shape());
    }

    @Test
    void aGridTheHalvingsMissIsRejectedWithTheSizes() {
        // 30 → 15 → 8 → 4: never 6.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Config(30, 1, 5, 8, 1, 2, 16, 3, 0f, 1, Stem.CONV));
        assertTrue(e.getMessage().contains("never reaches the 6×6 grid of patch size 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Config(8, 1, 1, 8, 1, 2, 16, 3, 0f, 1, Stem.CONV),
                "patch 1 leaves nothing to halve");
        assertEquals(Stem.PATCH, new Config(30, 1, 5, 8, 1, 2, 16, 3, 0f, 1).stem(),
                "the patch stem takes any divisor");
    }

    @Test
    void evaluationNormalisesWithRunningStatisticsSoAnImageIgnoresItsBatch() {
        VisionTransformer vit = new VisionTransformer(MNIST_LIKE);
        Tensor batch = Tensor.randn(5, 3, 1, 28, 28);
        Variable alone = Variable.constant(batch.narrow(0, 0, 1).contiguous());
        Tensor inTraining = vit.features(Variable.constant(batch)).data().narrow(0, 0, 1);
        assertTrue(largestDifference(inTraining, vit.features(alone).data()) > 1e-3,
                "training mode: batch statistics, so the image's features depend on its batch");
        vit.eval();
        TensorAssert.assertClose(vit.features(Variable.constant(batch)).data().narrow(0, 0, 1),
                vit.features(alone).data(), 1e-6, 1e-5, "evaluation mode: running statistics");
    }

    private static double largestDifference(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double largest = 0;
        for (int i = 0; i < x.length; i++) {
            largest = Math.max(largest, Math.abs(x[i] - y[i]));
        }
        return largest;
    }

    @Test
    void aNewHeadKeepsTheStem() {
        VisionTransformer vit = new VisionTransformer(MNIST_LIKE);
        vit.replaceHead(new Linear(32, 5, 1));
        assertEquals(Stem.CONV, vit.config().stem());
        assertEquals(5, vit.config().numClasses());
    }
}
