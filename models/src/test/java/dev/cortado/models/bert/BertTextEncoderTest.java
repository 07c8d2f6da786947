package dev.cortado.models.bert;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.models.tokenizers.EncodedBatch;
import dev.cortado.models.clip.BertTextEncoder;
import dev.cortado.models.clip.ClipModel;
import dev.cortado.models.clip.TextEncoder;
import dev.cortado.models.tokenizers.Tokenizer;
import dev.cortado.nn.LoRA;
import dev.cortado.nn.Module;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link BertTextEncoder}, the pretrained CLIP text tower. It lives in the clip package; this test sits
 * beside {@link PretrainedBertParityTest} to reuse its sentences and its ONNX Runtime reference (mean-pooled,
 * L2-normalised last hidden state of the same ONNX file).
 */
class BertTextEncoderTest {
    /** An image tower that passes features through, so a CLIP can be built around a text tower alone. */
    private static final class Identity extends Module {
        @Override
        public Variable forward(Variable x) {
            return x;
        }
    }

    @Test
    void miniLmFromTheClassPathGivesOnnxRuntimesSentenceEmbeddings() throws OrtException {
        assertTrue(BertTextEncoder.miniLmOnClassPath(), "test class path lacks " + BertTextEncoder.MINILM_ARTIFACT);
        long start = System.nanoTime();
        BertTextEncoder minilm = BertTextEncoder.miniLm();
        System.out.printf("BertTextEncoder.miniLm(): loaded in %.0f ms%n", (System.nanoTime() - start) / 1e6);
        assertEquals(BertConfig.miniLmL6(), minilm.config());
        assertEquals(384, minilm.width());
        assertFalse(minilm.isTraining(), "a loaded encoder starts in eval mode");
        // The parity test's first six sentences (accents, punctuation, numbers): short, so the test stays quick.
        List<String> sentences = PretrainedBertParityTest.SENTENCES.subList(0, 6);
        Variable ours;
        try (var scope = NoGrad.enter()) {
            ours = minilm.encode(sentences);
        }
        EncodedBatch batch = EncodedBatch.of(minilm.tokenizer().encodeBatch(sentences));
        int rows = batch.ids().size(0);
        float[][] theirs = PretrainedBertParityTest.onnxRuntimeEmbeddings(PretrainedBert.MINILM, batch);
        float[] flat = new float[rows * 384];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(theirs[b], 0, flat, b * 384, 384);
        }
        assertArrayEquals(new int[] {rows, 384}, ours.shape());
        // Unit vectors of 384 floats; two float32 implementations of the same 6 layers: 1e-5 per element.
        assertClose(Tensor.fromArray(flat, rows, 384), ours.data(), 1e-5, 0, "MiniLM pooled embeddings vs ONNX Runtime");
    }

    @Test
    void missingFilesNameTheArtifact() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertTextEncoder.load(Path.of("/nonexistent/model.onnx"), PretrainedBert.MINILM.tokenizer()));
        assertTrue(e.getMessage().contains("/nonexistent/model.onnx")
                && e.getMessage().contains(BertTextEncoder.MINILM_ARTIFACT), e.getMessage());
    }

    /**
     * A small random BERT with MiniLM's tokenizer inside a CLIP: LoRA on the text tower's query and value
     * layers (lora_B starts at zero) leaves the text embeddings unchanged and trains only the adapters.
     */
    @Test
    void loraOnQueryAndValueLeavesTheTextEmbeddingsUnchangedAtInit() throws IOException {
        BertConfig small = new BertConfig(30522, 32, 2, 4, 64, 64, 2, 1e-12f, 0f);
        BertTextEncoder text = new BertTextEncoder(small, Tokenizer.load(PretrainedBert.MINILM.tokenizer()), 3);
        ClipModel clip = new ClipModel(new Identity(), 16, text, 8, 4);
        List<String> captions = List.of("a photo of a pullover.", "a photo of an ankle boot.");
        Tensor before = clip.encodeTexts(captions).data();
        List<String> adapted = LoRA.apply(clip, BertTextEncoder.LORA_QUERY_VALUE, 4, 8f, 0f, 5);
        assertEquals(List.of("text.encoder.layer.0.attention.self.query", "text.encoder.layer.0.attention.self.value",
                "text.encoder.layer.1.attention.self.query", "text.encoder.layer.1.attention.self.value"), adapted);
        Variable after = clip.encodeTexts(captions);
        // B = 0 adds exactly zero to each adapted layer's output.
        assertClose(before, after.data(), 0, 0, "text embeddings with fresh adapters");
        List<String> trainable = clip.namedParameters().entrySet().stream().filter(e -> e.getValue().requiresGrad())
                .map(Map.Entry::getKey).toList();
        assertEquals(8, trainable.size(), trainable.toString());
        assertTrue(trainable.stream().allMatch(k -> k.endsWith(".lora_A") || k.endsWith(".lora_B")), trainable.toString());
        TextEncoder tower = clip.textEncoder();
        assertEquals(32, tower.width());
    }
}
