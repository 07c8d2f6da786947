package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.nn.io.Safetensors;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke runs of {@code cortado finetune-clip} on the bundled subset (1,280 training images, one epoch, 300
 * test images): it must learn (loss falls, accuracy well above the 10% of chance) and leave its JSON, log,
 * plot and checkpoint behind; bad input exits with 2.
 */
class FinetuneClipTest {
    private static JobAssertions.Outcome smoke(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--epochs", "1", "--train-limit", "1280", "--test-limit", "300",
                "--out", out.toString()));
        args.addAll(List.of(extra));
        return JobAssertions.run(FinetuneClip::run, args.toArray(String[]::new));
    }

    @Test
    void fullFineTuningLearnsAndWritesItsArtifacts(@TempDir Path out) throws IOException {
        JobAssertions.Outcome run = smoke(out, "--holdout", "2");
        assertEquals(0, run.code(), run.err());
        JsonNode result = run.json();
        for (String key : List.of("accuracy_before", "accuracy_after", "recall_at_1_after", "recall_at_5_after",
                "holdout_accuracy_after", "trainable_share", "seconds_per_epoch")) {
            assertTrue(result.has(key), key + " missing from " + result);
        }
        double before = result.get("accuracy_before").asDouble();
        double after = result.get("accuracy_after").asDouble();
        assertTrue(after > 0.3 && after > before + 0.1, "accuracy " + before + " -> " + after);
        assertTrue(result.get("recall_at_5_after").asDouble() >= result.get("recall_at_1_after").asDouble());
        assertEquals("conv", result.get("stem").asText(), "the convolutional stem by default");
        double share = result.get("trainable_share").asDouble();
        assertTrue(share > 0 && share < 0.1, "the frozen MiniLM dominates the parameter count: " + share);
        assertEquals(result, new ObjectMapper().readTree(Files.readString(out.resolve("result.json"))));
        JobAssertions.assertTrainerOutputs(out);
        JobAssertions.assertLossFalls(out.resolve("log.jsonl"), 0.9);
    }

    @Test
    void loraTrainsOnlyAdaptersProjectionsAndScaleAndExportsMergedWeights(@TempDir Path out) throws IOException {
        JobAssertions.Outcome run = smoke(out, "--lora");
        assertEquals(0, run.code(), run.err());
        JsonNode result = run.json();
        assertTrue(result.get("lora").asBoolean());
        assertTrue(result.get("trainable_share").asDouble() < 0.01, result.toString());
        assertTrue(result.get("accuracy_after").asDouble() > result.get("accuracy_before").asDouble(),
                result.toString());
        Map<String, Tensor> merged = Safetensors.read(out.resolve("merged.safetensors")).tensors();
        assertTrue(merged.keySet().stream().noneMatch(key -> key.contains("lora_")), merged.keySet().toString());
        assertTrue(merged.containsKey("vision.encoder.layers.0.self_attn.in_proj_weight"), merged.keySet().toString());
    }

    @Test
    void missingDataBadOptionsAndHelp(@TempDir Path dir) throws IOException {
        JobAssertions.assertMissingDataIsExitTwo(FinetuneClip::run, dir.resolve("no-such-dir"));
        JobAssertions.assertBadOptionIsExitTwo(FinetuneClip::run, "finetune-clip");
        assertEquals(2, JobAssertions.run(FinetuneClip::run, "--holdout", "9").code());
        JobAssertions.Outcome badStem = JobAssertions.run(FinetuneClip::run, "--stem", "resnet");
        assertEquals(2, badStem.code());
        assertTrue(badStem.err().contains("--stem must be conv or patch, got 'resnet'"), badStem.err());
        JobAssertions.assertRefusedBeforeWriting(FinetuneClip::run, dir.resolve("out"), "patch size (5)", "--patch", "5");
        JobAssertions.assertRefusedBeforeWriting(FinetuneClip::run, dir.resolve("out"), "no-such-dir",
                "--data", dir.resolve("no-such-dir").toString());
        Path file = Files.createFile(dir.resolve("a-file"));
        JobAssertions.Outcome outIsAFile = JobAssertions.run(FinetuneClip::run, "--out", file.toString());
        assertEquals(2, outIsAFile.code(), outIsAFile.err());
        assertTrue(outIsAFile.err().contains("--out " + file + " is not a directory"), outIsAFile.err());
        JobAssertions.Outcome help = JobAssertions.run(FinetuneClip::run, "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--holdout") && help.out().contains("--lora"), help.out());
    }
}
