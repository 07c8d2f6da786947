package dev.cortado.models.clip;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.ClipLoss;
import dev.cortado.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Zero-shot classification on a case whose answer is known: the image tower is the identity, the image
 * projection is set equal to the text projection, and each "image" is the text tower's features of one
 * class prompt, so its embedding equals that class's embedding (cosine 1).
 */
class ZeroShotClassifierTest {
    private static final List<String> LABELS = List.of("shirt", "bag", "sneaker", "coat");
    private static final String TEMPLATE = "a photo of a {label}.";

    /** A CLIP whose image embedding of text features f equals the text embedding of f. */
    private static ClipModel mirrored(long seed) {
        TextTransformer text = TinyClip.text(16, seed);
        ClipModel clip = new ClipModel(new TinyClip.Identity(), 16, text, TinyClip.EMBED, seed + 1);
        Map<String, Tensor> state = new HashMap<>(clip.stateDict());
        state.put("image_projection.weight", state.get("text_projection.weight").copy());
        clip.loadStateDict(state, true);
        return clip;
    }

    @Test
    void eachImageIsClassifiedAsTheClassWhosePromptItCameFrom() {
        ClipModel clip = mirrored(21);
        int[] order = {2, 0, 3, 1, 2};
        List<String> prompts = ZeroShotClassifier.prompts(TEMPLATE, LABELS);
        Variable images;
        try (var scope = NoGrad.enter()) {
            Variable features = clip.textEncoder().encode(prompts);   // [4, 16]
            images = ZeroShotClassifier.byLabel(features, Tensor.fromLongs(new long[] {2, 0, 3, 1, 2}, 5));
        }
        ZeroShotClassifier classifier = new ZeroShotClassifier(clip, LABELS, List.of(TEMPLATE));
        ZeroShotClassifier.Result result = classifier.classify(images);
        assertArrayEquals(order, result.predictions());
        float[] logits = result.logits().toFloatArray();
        double scale = Math.exp(ClipLoss.INITIAL_LOG_SCALE);
        for (int n = 0; n < order.length; n++) {
            // cosine of a unit vector with itself: 1 up to float32 rounding, times the scale ≈ 14.3.
            assertEquals(scale, logits[n * LABELS.size() + order[n]], 1e-5 * scale, "own-class logit of image " + n);
        }
        assertArrayEquals(new int[] {LABELS.size(), TinyClip.EMBED}, classifier.classEmbeddings().shape());
    }

    @Test
    void severalTemplatesAverageTheNormalisedEmbeddingsAndRenormalise() {
        ClipModel clip = mirrored(22);
        List<String> templates = List.of(TEMPLATE, "a blurry picture of the {label}.", "{label}");
        Variable classes = ZeroShotClassifier.classEmbeddings(clip, LABELS, templates);
        Variable sum = null;
        for (String template : templates) {
            Variable e = clip.encodeTexts(ZeroShotClassifier.prompts(template, LABELS));
            sum = sum == null ? e : MathOps.add(sum, e);
        }
        // Hand-made: normalize(Σ_t T_t); the same float32 ops in another grouping.
        assertClose(ClipLosses.normalize(sum).data(), classes.data(), 1e-6, 1e-5, "class embeddings");
        for (double norm : ClipModelTest.rowNorms(classes.data())) {
            assertEquals(1, norm, 1e-6);
        }
        // Differentiable: a loss on the class embeddings reaches the text tower.
        MathOps.mul(classes, classes).sum().backward();
        assertTrue(clip.namedParameters().get("text.token_embedding.weight").grad() != null);
    }

    @Test
    void byLabelPicksEachSamplesClassRow() {
        Variable classes = Variable.constant(Tensor.randn(3, 4, 5));
        Tensor labels = Tensor.fromLongs(new long[] {3, 3, 0, 2}, 4);
        Variable rows = ZeroShotClassifier.byLabel(classes, labels);
        assertArrayEquals(new int[] {4, 5}, rows.shape());
        assertClose(classes.data().select(0, 3), rows.data().select(0, 1), 0, 0, "row of label 3");
        assertClose(classes.data().select(0, 2), rows.data().select(0, 3), 0, 0, "row of label 2");
    }

    @Test
    void aTemplateWithoutThePlaceholderIsRejected() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> ZeroShotClassifier.prompts("a photo.", LABELS)).getMessage();
        assertTrue(message.contains("'a photo.' has no {label}"), message);
    }
}
