package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.nn.io.Safetensors;
import dev.cortado.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke runs of {@code cortado finetune-clip} on the bundled subset (1,280 training images, one epoch of about 20
 * steps, 300 test images): it must learn (loss falls, accuracy well above the 10% of chance) and leave its
 * JSON, log, plot and checkpoint behind; bad input exits with 2.
 */
class FinetuneClipTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exitCode, String stdout) {
        JsonNode result() throws IOException {
            String[] lines = stdout.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Cortado.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private static Run smoke(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("finetune-clip", "--epochs", "1", "--train-limit", "1280",
                "--test-limit", "300", "--out", out.toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void fullFineTuningLearnsAndWritesItsArtifacts(@TempDir Path out) throws IOException {
        Run run = smoke(out, "--holdout", "2");
        assertEquals(0, run.exitCode());
        JsonNode result = run.result();
        for (String key : List.of("accuracy_before", "accuracy_after", "recall_at_1_after", "recall_at_5_after",
                "holdout_accuracy_after", "trainable_share", "seconds_per_epoch")) {
            assertTrue(result.has(key), key + " missing from " + result);
        }
        double before = result.get("accuracy_before").asDouble();
        double after = result.get("accuracy_after").asDouble();
        assertTrue(after > 0.3 && after > before + 0.1, "accuracy " + before + " -> " + after);
        assertTrue(result.get("recall_at_5_after").asDouble() >= result.get("recall_at_1_after").asDouble());
        double share = result.get("trainable_share").asDouble();
        assertTrue(share > 0 && share < 0.1, "the frozen MiniLM dominates the parameter count: " + share);
        assertEquals(result, JSON.readTree(Files.readString(out.resolve("result.json"))));

        List<Double> losses = Files.readAllLines(out.resolve("log.jsonl")).stream().map(FinetuneClipTest::tree)
                .filter(line -> line.get("type").asText().equals("step")).map(line -> line.get("loss").asDouble())
                .toList();
        assertEquals((result.get("train_images").asInt() + 31) / 32, losses.size(), "batches of 32, the last one kept");
        int n = losses.size();
        double first = (losses.get(0) + losses.get(1)) / 2;
        double last = (losses.get(n - 2) + losses.get(n - 1)) / 2;
        assertTrue(last < first, "loss " + losses);

        BufferedImage plot = ImageIO.read(out.resolve("training.png").toFile());
        assertTrue(plot.getWidth() > 100 && plot.getHeight() > 100);
        String latest = Files.readString(out.resolve("checkpoints").resolve("latest")).strip();
        assertTrue(Files.isRegularFile(out.resolve("checkpoints").resolve(latest).resolve("model.safetensors")));
    }

    @Test
    void loraTrainsOnlyAdaptersProjectionsAndScale(@TempDir Path out) throws IOException {
        Run run = smoke(out, "--lora");
        assertEquals(0, run.exitCode());
        JsonNode result = run.result();
        assertTrue(result.get("lora").asBoolean());
        assertTrue(result.get("trainable_share").asDouble() < 0.01, result.toString());
        assertTrue(result.get("accuracy_after").asDouble() > result.get("accuracy_before").asDouble(),
                result.toString());
        Map<String, Tensor> merged = Safetensors.read(out.resolve("merged.safetensors")).tensors();
        assertTrue(merged.keySet().stream().noneMatch(key -> key.contains("lora_")), merged.keySet().toString());
        assertTrue(merged.containsKey("vision.encoder.layers.0.self_attn.in_proj_weight"), merged.keySet().toString());
    }

    @Test
    void missingDataAndBadOptionsExitWithTwo(@TempDir Path empty) {
        PrintStream stderr = System.err;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, run("finetune-clip", "--data", empty.toString(), "--out", empty.resolve("o").toString())
                    .exitCode());
        } finally {
            System.setErr(stderr);
        }
        String message = errors.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("dataset-fashion-mnist") && message.contains("--data"), message);
        assertEquals(2, run("finetune-clip", "--epochs", "0").exitCode());
        assertEquals(2, run("finetune-clip", "--holdout", "9").exitCode());
        assertEquals(2, run("finetune-clip", "--bogus").exitCode());
        Run help = run("finetune-clip", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("--holdout") && help.stdout().contains("--lora"), help.stdout());
    }

    private static JsonNode tree(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
