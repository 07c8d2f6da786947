package dev.cortado.models.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.models.onnx.OnnxImportReport;
import dev.cortado.models.onnx.OnnxModule;
import dev.cortado.models.tokenizers.EncodedBatch;
import dev.cortado.models.tokenizers.Padding;
import dev.cortado.models.tokenizers.Tokenizer;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2, both ways in (imported through {@link BertOnnxImporter} into {@link BertModel}, and run
 * as a generic {@link OnnxModule}), against ONNX Runtime running the same file:
 * 20 varied sentences tokenized by the real tokenizer.json into one padded batch, mean-pooled and
 * L2-normalised on both sides; each sentence's embeddings must have cosine similarity ≥ 0.9999.
 */
class MiniLmParityTest {
    private static final double MIN_COSINE = 0.9999;

    static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "A man is playing a guitar on stage.",
            "Hello, world!",
            "What's the weather like in São Paulo today?",
            "Naïve café owners résumé their crème brûlée recipes.",
            "The stock fell 3.75% to $1,024.50 on 12/03/2024.",
            "東京は日本の首都です。",
            "I love pizza 🍕 and ice cream 🍦!!!",
            "e = mc^2, ∫ f(x) dx, and π ≈ 3.14159",
            "",
            "Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
            "Machine learning models can be exported to ONNX and run anywhere.",
            "Le chat est sur la table, et le chien dort dans le jardin.",
            "Der schnelle braune Fuchs springt über den faulen Hund.",
            "   leading and trailing   spaces   ",
            "UPPER CASE TEXT SHOULD BE LOWERCASED BY THE NORMALIZER",
            "def f(x): return x ** 2  # python code",
            "Short.",
            "A very long sentence that keeps going with many words about nothing in particular, repeating itself, "
                    + "wandering through clauses and subordinate clauses, lists of items such as apples, oranges, "
                    + "pears, plums and cherries, until it is much longer than all the others in this batch.",
            "Why do cats purr? Scientists still debate the mechanism.");

    private static OnnxModel onnx;
    private static BertOnnxImporter.Result<BertModel> imported;
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        onnx = OnnxModel.load(MiniLmFiles.onnx());
        imported = BertOnnxImporter.load(onnx, null, true);
        tokenizer = Tokenizer.load(MiniLmFiles.tokenizer()).withPadding(Padding.longest(0));
    }

    @Test
    void importMapsEveryWeightAndInfersTheConfiguration() {
        OnnxImportReport report = imported.report();
        assertTrue(report.clean(), report.toString());
        assertEquals(BertConfig.miniLmL6(), imported.config());
        // 6 embedding keys + 16 per layer; the 36 anonymous onnx::MatMul_NNN weights among them, transposed.
        assertEquals(5 + 6 * 16, report.mapped().size(), report.toString());
        assertEquals("onnx::MatMul_885 (transposed)", report.mapped().get("encoder.layer.0.attention.self.query.weight"));
        assertEquals("onnx::MatMul_897 (transposed)", report.mapped().get("encoder.layer.0.output.dense.weight"));
        assertEquals(3, report.ignored().size(), report.ignored().toString());   // position_ids, pooler weight and bias
        Tensor query = imported.model().stateDict().get("encoder.layer.0.attention.self.query.weight");
        Tensor exported = onnx.graph().initializer("onnx::MatMul_885").values();
        assertEquals(exported.toFloatArray()[1 * 384 + 2], query.toFloatArray()[2 * 384 + 1]);   // W[out=2, in=1]
    }

    @Test
    void strictImportIntoAMismatchedConfigurationFailsWithTheWholeReport() {
        // One layer with a narrower MLP: layer 0's MLP weights do not fit, layers 1-5 have nowhere to go.
        BertConfig other = new BertConfig(30522, 384, 1, 12, 1024, 512, 2, 1e-12f, 0.1f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertOnnxImporter.load(onnx, other, true));
        assertTrue(e.getMessage().contains("encoder.layer.0.intermediate.dense.weight: model [1024, 384] vs onnx "
                + "onnx::MatMul_896 (transposed) [1536, 384]"), e.getMessage());
        assertTrue(e.getMessage().contains("unfilled model keys [encoder.layer.0.intermediate.dense.weight"),
                e.getMessage());
        assertTrue(e.getMessage().contains("onnx::MatMul_962 (transposed) → encoder.layer.5.output.dense.weight "
                + "(BertModel has no such key)"), e.getMessage());
        // Non-strict: the report comes back and the model keeps what fitted.
        OnnxImportReport report = BertOnnxImporter.load(onnx, other, false).report();
        assertEquals(3, report.shapeMismatches().size(), report.toString());
        assertEquals(5 * 16, report.unmapped().size(), report.toString());
    }

    @Test
    void sentenceEmbeddingsMatchOnnxRuntime() throws OrtException {
        EncodedBatch batch = EncodedBatch.of(tokenizer.encodeBatch(SENTENCES));
        Variable hidden = imported.model().forward(batch.ids(), batch.typeIds(), batch.attentionMask());
        assertMatchesOnnxRuntime("BertModel", BertModel.meanPool(hidden, batch.attentionMask()), batch);
    }

    /** The other way in: the same file run node by node by the generic graph module. */
    @Test
    void graphModuleEmbeddingsMatchOnnxRuntime() throws OrtException {
        EncodedBatch batch = EncodedBatch.of(tokenizer.encodeBatch(SENTENCES));
        OnnxModule module = new OnnxModule(onnx);
        try (var scope = NoGrad.enter()) {
            Map<String, Variable> outputs = module.run(Map.of("input_ids", Variable.constant(batch.ids()),
                    "attention_mask", Variable.constant(batch.attentionMask()), "token_type_ids", Variable.constant(batch.typeIds())));
            Variable hidden = outputs.get(onnx.graph().outputs().get(0).name());
            assertMatchesOnnxRuntime("OnnxModule", BertModel.meanPool(hidden, batch.attentionMask()), batch);
        }
    }

    private static void assertMatchesOnnxRuntime(String what, Variable pooled, EncodedBatch batch) throws OrtException {
        int rows = batch.ids().size(0);
        int length = batch.ids().size(1);
        float[] ours = pooled.data().toFloatArray();
        float[][] theirs = onnxRuntime(batch.ids().toLongArray(), batch.typeIds().toLongArray(),
                batch.attentionMask().toLongArray(), rows, length);
        int width = theirs[0].length;
        double worst = 1;
        for (int b = 0; b < rows; b++) {
            double dot = 0;
            double normOurs = 0;
            double normTheirs = 0;
            for (int i = 0; i < width; i++) {
                double x = ours[b * width + i];
                double y = theirs[b][i];
                dot += x * y;
                normOurs += x * x;
                normTheirs += y * y;
            }
            double cosine = dot / Math.sqrt(normOurs * normTheirs);
            worst = Math.min(worst, cosine);
            assertTrue(cosine >= MIN_COSINE, what + ", sentence " + b + " '" + SENTENCES.get(b) + "': cosine " + cosine);
        }
        System.out.printf("MiniLM %s vs ONNX Runtime, %d sentences padded to %d tokens: worst cosine 1 - %.2e%n",
                what, rows, length, 1 - worst);
    }

    /** ONNX Runtime's last hidden state for the batch, mean-pooled over the mask and L2-normalised. */
    static float[][] onnxRuntime(long[] ids, long[] types, long[] mask, int rows, int length)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {rows, length};
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(MiniLmFiles.onnx().toString(), options);
                 ai.onnxruntime.OnnxTensor idsIn = ai.onnxruntime.OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                 ai.onnxruntime.OnnxTensor maskIn = ai.onnxruntime.OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                 ai.onnxruntime.OnnxTensor typesIn = ai.onnxruntime.OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
                 OrtSession.Result result = session.run(Map.of("input_ids", idsIn, "attention_mask", maskIn,
                         "token_type_ids", typesIn))) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                float[][] pooled = new float[rows][hidden[0][0].length];
                for (int b = 0; b < rows; b++) {
                    double count = 0;
                    double[] sum = new double[pooled[b].length];
                    for (int t = 0; t < length; t++) {
                        if (mask[b * length + t] != 0) {
                            count++;
                            for (int i = 0; i < sum.length; i++) {
                                sum[i] += hidden[b][t][i];
                            }
                        }
                    }
                    double norm = 0;
                    for (double s : sum) {
                        norm += (s / count) * (s / count);
                    }
                    for (int i = 0; i < sum.length; i++) {
                        pooled[b][i] = (float) (sum[i] / count / Math.max(Math.sqrt(norm), 1e-12));
                    }
                }
                return pooled;
            }
        }
    }
}
