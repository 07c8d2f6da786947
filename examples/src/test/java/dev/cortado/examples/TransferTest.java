package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test of {@code cortado transfer} on the bundled subset: a few hundred images, short phases. */
class TransferTest {
    @Test
    void pretrainsTransfersAndWritesItsOutputs(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        // 100 images per source class, 2 short epochs; 10% of the 300 bundled target images per class (30 each).
        JobAssertions.Outcome outcome = JobAssertions.run(Transfer::run, "--epochs", "2", "--train-limit", "100",
                "--transfer-epochs", "3", "--label-share", "0.1", "--test-limit", "40", "--batch-size", "32",
                "--out", out.toString());
        assertEquals(0, outcome.code(), outcome.err());
        JsonNode json = outcome.json();
        assertEquals(json, new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(out.resolve("result.json"))));
        assertEquals(150, json.path("target_train_images").asInt());

        // Chance is 0.2 on both 5-way tasks.
        double pretrained = json.path("source_accuracy_pretrained").asDouble();
        assertTrue(pretrained > 0.5, "source accuracy after pretraining " + pretrained);
        JsonNode strategies = json.path("strategies");
        JsonNode headOnly = strategies.path("head_only");
        // A frozen backbone under the original head classifies exactly as after pretraining.
        assertEquals(pretrained, headOnly.path("source_accuracy").asDouble(), 0.0);
        assertTrue(headOnly.path("trainable_share").asDouble() < 0.01, headOnly.toString());
        assertEquals(1.0, strategies.path("full_finetune").path("trainable_share").asDouble(), 0.0);
        // 3 epochs of gradual unfreezing reach the head, the norm and the top two layers only.
        double gradualShare = strategies.path("gradual_unfreezing").path("trainable_share").asDouble();
        assertTrue(gradualShare > 0.3 && gradualShare < 0.7, "gradual unfreezing share " + gradualShare);
        for (String strategy : new String[] {"head_only", "full_finetune", "gradual_unfreezing"}) {
            double target = strategies.path(strategy).path("target_accuracy").asDouble();
            assertTrue(target > 0.4, strategy + " target accuracy " + target);
            JobAssertions.assertTrainerOutputs(out.resolve(strategy));
        }
        JobAssertions.assertTrainerOutputs(out.resolve("pretrain"));
        JobAssertions.assertLossFalls(out.resolve("pretrain/log.jsonl"), 0.8);
    }

    @Test
    void missingDataAndBadOptionsExitWithTwo(@TempDir Path dir) {
        JobAssertions.assertMissingDataIsExitTwo(Transfer::run, dir.resolve("no-such-dir"));
        JobAssertions.assertBadOptionIsExitTwo(Transfer::run, "transfer");
        assertEquals(2, JobAssertions.run(Transfer::run, "--label-share", "2").code());
        JobAssertions.assertRefusedBeforeWriting(Transfer::run, dir.resolve("out"),
                "--transfer-epochs must be at least 1, got 0", "--transfer-epochs", "0");
    }
}
