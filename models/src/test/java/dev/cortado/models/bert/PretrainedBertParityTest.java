package dev.cortado.models.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxImportReport;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.models.onnx.OnnxModule;
import dev.cortado.models.tokenizers.EncodedBatch;
import dev.cortado.models.tokenizers.Padding;
import dev.cortado.models.tokenizers.Tokenizer;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real encoders ({@link PretrainedBert}: all-MiniLM-L6-v2, bge-small-en-v1.5), both ways in (imported
 * through {@link BertOnnxImporter} into {@link BertModel}, and run as a generic {@link OnnxModule}), against
 * ONNX Runtime running the same file: 20 varied sentences tokenized by the model's real tokenizer.json into one
 * padded batch. The last hidden states must agree within {@value #MAX_HIDDEN_ERROR} (absolute, every token of
 * the batch, padding included), and the sentence embeddings, pooled as each model was published (mean for
 * MiniLM, [CLS] for bge) and L2-normalised on both sides, must have cosine similarity ≥ {@value #MIN_COSINE}.
 */
class PretrainedBertParityTest {
    private static final double MIN_COSINE = 0.9999;
    /**
     * The largest |state| is about 6 (MiniLM) and 5 (bge); float32 through 6 or 12 layers with other summation
     * orders than ONNX Runtime's measured 1e-4 (MiniLM) and 9.5e-4 (bge) at most: twice the worst.
     */
    private static final double MAX_HIDDEN_ERROR = 2e-3;

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

    /** A model's file loaded and imported, the sentences as one batch, and ONNX Runtime's hidden states for it. */
    private record Loaded(OnnxModel onnx, BertOnnxImporter.Result<BertModel> imported, EncodedBatch batch,
                          float[][][] reference) {
    }

    private static final Map<PretrainedBert, Loaded> LOADED = new EnumMap<>(PretrainedBert.class);

    private static synchronized Loaded loaded(PretrainedBert model) {
        return LOADED.computeIfAbsent(model, m -> {
            try {
                OnnxModel onnx = OnnxModel.load(m.onnx());
                Tokenizer tokenizer = Tokenizer.load(m.tokenizer()).withPadding(Padding.longest(0));
                EncodedBatch batch = EncodedBatch.of(tokenizer.encodeBatch(SENTENCES));
                return new Loaded(onnx, BertOnnxImporter.load(onnx, null, true), batch, onnxRuntime(m, batch));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime on " + m, e);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(PretrainedBert.class)
    void importMapsEveryWeightAndInfersTheConfiguration(PretrainedBert model) {
        Loaded loaded = loaded(model);
        OnnxImportReport report = loaded.imported().report();
        assertTrue(report.clean(), report.toString());
        assertEquals(model.config(), loaded.imported().config());
        // 5 embedding keys + 16 per layer; every other initializer is ignored with its reason.
        assertEquals(5 + model.config().layers() * 16, report.mapped().size(), report.toString());
        assertEquals(loaded.onnx().graph().initializers().size(), report.mapped().size() + report.ignored().size());
        // Six Linear weights per layer are anonymous MatMul weights, stored [in, out]: they land transposed.
        assertEquals(6 * model.config().layers(), report.mapped().values().stream()
                .filter(source -> source.endsWith(" (transposed)")).count(), report.toString());
        // W[out=2, in=1].
        String source = report.mapped().get("encoder.layer.0.attention.self.query.weight");
        assertTrue(source.endsWith(" (transposed)"), source);
        Tensor exported = loaded.onnx().graph().initializer(source.substring(0, source.indexOf(' '))).values();
        Tensor query = loaded.imported().model().stateDict().get("encoder.layer.0.attention.self.query.weight");
        assertEquals(exported.toFloatArray()[1 * 384 + 2], query.toFloatArray()[2 * 384 + 1]);
    }

    @Test
    void miniLmsAnonymousWeightsArePlacedByTheGraphAroundThem() {
        OnnxImportReport report = loaded(PretrainedBert.MINILM).imported().report();
        assertEquals("onnx::MatMul_885 (transposed)", report.mapped().get("encoder.layer.0.attention.self.query.weight"));
        assertEquals("onnx::MatMul_897 (transposed)", report.mapped().get("encoder.layer.0.output.dense.weight"));
        assertEquals(3, report.ignored().size(), report.ignored().toString());   // position_ids, pooler weight and bias
    }

    @Test
    void strictImportIntoAMismatchedConfigurationFailsWithTheWholeReport() {
        OnnxModel onnx = loaded(PretrainedBert.MINILM).onnx();
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

    @ParameterizedTest
    @EnumSource(PretrainedBert.class)
    void sentenceEmbeddingsMatchOnnxRuntime(PretrainedBert model) {
        Loaded loaded = loaded(model);
        EncodedBatch batch = loaded.batch();
        try (var scope = NoGrad.enter()) {
            Variable hidden = loaded.imported().model().forward(batch.ids(), batch.typeIds(), batch.attentionMask());
            assertMatchesOnnxRuntime(model, "BertModel", hidden, loaded);
        }
    }

    /** The other way in: the same file run node by node by the generic graph module. */
    @ParameterizedTest
    @EnumSource(PretrainedBert.class)
    void graphModuleEmbeddingsMatchOnnxRuntime(PretrainedBert model) {
        Loaded loaded = loaded(model);
        EncodedBatch batch = loaded.batch();
        OnnxModule module = new OnnxModule(loaded.onnx());
        try (var scope = NoGrad.enter()) {
            Map<String, Variable> outputs = module.run(Map.of("input_ids", Variable.constant(batch.ids()),
                    "attention_mask", Variable.constant(batch.attentionMask()),
                    "token_type_ids", Variable.constant(batch.typeIds())));
            Variable hidden = outputs.get(loaded.onnx().graph().outputs().get(0).name());
            assertMatchesOnnxRuntime(model, "OnnxModule", hidden, loaded);
        }
    }

    private static void assertMatchesOnnxRuntime(PretrainedBert model, String what, Variable hidden, Loaded loaded) {
        EncodedBatch batch = loaded.batch();
        float[][][] reference = loaded.reference();
        int rows = reference.length;
        int length = reference[0].length;
        int width = reference[0][0].length;
        float[] states = hidden.data().toFloatArray();
        double worstHidden = 0;
        double largest = 0;
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < length; t++) {
                for (int i = 0; i < width; i++) {
                    worstHidden = Math.max(worstHidden,
                            Math.abs(states[(b * length + t) * width + i] - reference[b][t][i]));
                    largest = Math.max(largest, Math.abs(reference[b][t][i]));
                }
            }
        }
        assertTrue(worstHidden <= MAX_HIDDEN_ERROR, model + " " + what + ": last hidden state max abs error "
                + worstHidden);

        float[] ours = model.pooling().apply(hidden, batch.attentionMask()).data().toFloatArray();
        float[][] theirs = pool(reference, batch.attentionMask().toLongArray(), model.pooling());
        double worstCosine = 1;
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
            worstCosine = Math.min(worstCosine, cosine);
            assertTrue(cosine >= MIN_COSINE, model + " " + what + ", sentence " + b + " '" + SENTENCES.get(b)
                    + "': cosine " + cosine);
        }
        System.out.printf("%s %s vs ONNX Runtime, %d sentences padded to %d tokens: last hidden state max abs "
                + "error %.2e (largest |state| %.1f), %s-pooled worst cosine 1 - %.2e%n", model, what, rows, length,
                worstHidden, largest, model.pooling().label(), 1 - worstCosine);
    }

    /** The model's sentence embeddings by ONNX Runtime: its hidden states pooled as the model was published. */
    static float[][] onnxRuntimeEmbeddings(PretrainedBert model, EncodedBatch batch) throws OrtException {
        return pool(onnxRuntime(model, batch), batch.attentionMask().toLongArray(), model.pooling());
    }

    /** ONNX Runtime's last hidden state {@code [B][L][hidden]} for the batch (2 intra-op threads). */
    private static float[][][] onnxRuntime(PretrainedBert model, EncodedBatch batch) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {batch.ids().size(0), batch.ids().size(1)};
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(model.onnx().toString(), options);
                 OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids().toLongArray()), shape);
                 OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask().toLongArray()),
                         shape);
                 OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.typeIds().toLongArray()), shape);
                 OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                         "token_type_ids", types))) {
                return (float[][][]) result.get(0).getValue();
            }
        }
    }

    /**
     * The reference pooling, in double and written apart from {@link Pooling}: the mean of the states where
     * the mask is 1, or the first token's state; then divided by the L2 norm (clamped below at 1e-12).
     */
    private static float[][] pool(float[][][] hidden, long[] mask, Pooling pooling) {
        int rows = hidden.length;
        int length = hidden[0].length;
        float[][] pooled = new float[rows][hidden[0][0].length];
        for (int b = 0; b < rows; b++) {
            double count = 0;
            double[] sum = new double[pooled[b].length];
            for (int t = 0; t < length; t++) {
                boolean used = pooling == Pooling.MEAN ? mask[b * length + t] != 0 : t == 0;
                if (used) {
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
