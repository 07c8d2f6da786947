package dev.cortado.models.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.ClipLoss;
import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ClipModel} on tiny towers: keys, shapes, normalisation, logits, and where gradients go. */
class ClipModelTest {
    private static final List<String> CAPTIONS = List.of("a photo of a shirt.", "a photo of a bag.",
            "a blurry picture of a sneaker on the floor.");

    @Test
    void stateDictKeysAndShapesFollowClip() {
        ClipModel clip = TinyClip.model(1);
        Map<String, Tensor> state = clip.stateDict();
        assertArrayEquals(new int[] {TinyClip.EMBED, TinyClip.VISION_WIDTH}, state.get("image_projection.weight").shape());
        assertArrayEquals(new int[] {TinyClip.EMBED, TinyClip.TEXT_WIDTH}, state.get("text_projection.weight").shape());
        assertFalse(state.containsKey("image_projection.bias"));
        assertFalse(state.containsKey("text_projection.bias"));
        assertArrayEquals(new int[0], state.get("logit_scale").shape());
        assertEquals(ClipLoss.INITIAL_LOG_SCALE, state.get("logit_scale").item(), 0f);
        for (String key : List.of("vision.class_token", "vision.pos_embedding", "vision.patch_embed.weight",
                "vision.encoder.layers.0.self_attn.in_proj_weight", "text.token_embedding.weight",
                "text.positional_embedding", "text.transformer.layers.0.self_attn.in_proj_weight",
                "text.ln_final.weight")) {
            assertTrue(state.containsKey(key), key + " in " + state.keySet());
        }
        assertArrayEquals(new int[] {24, TinyClip.TEXT_WIDTH}, state.get("text.positional_embedding").shape());
        // The ViT's classification head is not part of CLIP: frozen, so not counted as trainable.
        assertTrue(state.containsKey("vision.head.weight"));
        assertTrue(clip.namedParameters().entrySet().stream()
                .allMatch(e -> e.getValue().requiresGrad() != e.getKey().startsWith("vision.head.")));
    }

    @Test
    void embeddingsHaveUnitNormAndTheirShapes() {
        ClipModel clip = TinyClip.model(2);
        Variable images = clip.encodeImages(TinyClip.images(5, 3));
        Variable texts = clip.encodeTexts(CAPTIONS);
        assertArrayEquals(new int[] {5, TinyClip.EMBED}, images.shape());
        assertArrayEquals(new int[] {3, TinyClip.EMBED}, texts.shape());
        for (Variable e : List.of(images, texts)) {
            double[] norms = rowNorms(e.data());
            for (double norm : norms) {
                assertEquals(1, norm, 1e-6, "row norm");   // float32 rounding of a sum of 8 squares
            }
        }
    }

    @Test
    void logitsAreTheCappedScaleTimesCosines() {
        ClipModel clip = TinyClip.model(4);
        Variable images = TinyClip.images(4, 5);
        for (float s : new float[] {ClipLoss.INITIAL_LOG_SCALE, 5f}) {   // e^5 ≈ 148 is capped at 100
            clip.logitScale().data().copyFrom(Tensor.scalar(s));
            float[] logits = clip.logits(images, CAPTIONS).data().toFloatArray();
            Tensor i = clip.encodeImages(images).data();
            Tensor t = clip.encodeTexts(CAPTIONS).data();
            double scale = Math.min(Math.exp(s), 100);
            float[] cosines = ClipModel.similarity(Variable.constant(i), Variable.constant(t)).data().toFloatArray();
            for (int b = 0; b < 4; b++) {
                for (int n = 0; n < CAPTIONS.size(); n++) {
                    double cosine = dot(i, b, t, n);
                    assertEquals(cosine, cosines[b * 3 + n], 1e-6, "similarity");
                    // float32 products of unit vectors, times a scale ≤ 100: 1e-5 relative.
                    assertEquals(scale * cosine, logits[b * 3 + n], 1e-5 * scale, "logit at s = " + s);
                }
            }
        }
    }

    @Test
    void gradientsReachTheProjectionsAndScaleButNotAFrozenTextTower() {
        ClipModel clip = TinyClip.model(6);
        clip.freeze("text");
        Variable classText = ZeroShotClassifier.classEmbeddings(clip, List.of("shirt", "bag", "sneaker"),
                List.of("a photo of a {label}."));
        Tensor labels = Tensor.fromLongs(new long[] {0, 2, 2, 1}, 4);
        clip.classContrastiveLoss(TinyClip.images(4, 7), labels, classText).backward();
        Map<String, Variable> params = clip.namedParameters();
        for (String key : List.of("image_projection.weight", "text_projection.weight", "logit_scale",
                "vision.patch_embed.weight", "vision.encoder.layers.0.linear1.weight")) {
            assertNotNull(params.get(key).grad(), key);
            assertTrue(maxAbs(params.get(key).grad()) > 0, key + " has a zero gradient");
        }
        params.forEach((key, p) -> {
            if (key.startsWith("text.") || key.startsWith("vision.head.")) {
                assertNull(p.grad(), key + " is frozen but got a gradient");
            }
        });
    }

    @Test
    void pairedContrastiveLossNeedsOneCaptionPerImage() {
        ClipModel clip = TinyClip.model(8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> clip.contrastiveLoss(TinyClip.images(2, 9), CAPTIONS));
        assertTrue(e.getMessage().contains("2 images but 3 captions"), e.getMessage());
        assertArrayEquals(new int[0], clip.contrastiveLoss(TinyClip.images(3, 9), CAPTIONS).shape());
    }

    static double[] rowNorms(Tensor x) {
        int rows = x.size(0);
        int width = x.size(1);
        float[] v = x.toFloatArray();
        double[] norms = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < width; c++) {
                sum += (double) v[r * width + c] * v[r * width + c];
            }
            norms[r] = Math.sqrt(sum);
        }
        return norms;
    }

    /** Row a of x · row b of y, in double. */
    static double dot(Tensor x, int a, Tensor y, int b) {
        int width = x.size(1);
        float[] xv = x.toFloatArray();
        float[] yv = y.toFloatArray();
        double sum = 0;
        for (int c = 0; c < width; c++) {
            sum += (double) xv[a * width + c] * yv[b * width + c];
        }
        return sum;
    }

    private static double maxAbs(Tensor t) {
        double max = 0;
        for (float v : t.toFloatArray()) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
