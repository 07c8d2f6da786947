package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test of {@code cortado continual} on the bundled subset: 5 tasks of 2×48 images, one epoch each. */
class ContinualTest {
    @Test
    void learnsEveryTaskInBothSettingsAndWritesItsOutputs(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        JobAssertions.Outcome outcome = JobAssertions.run(Continual::run, "--train-limit", "48", "--test-limit", "30",
                "--batch-size", "16", "--fisher-samples", "16", "--out", out.toString());
        assertEquals(0, outcome.code(), outcome.err());
        JsonNode json = outcome.json();
        assertTrue(Files.readString(out.resolve("result.json")).contains("\"domain_incremental\""));
        for (String setting : new String[] {"task_incremental", "domain_incremental"}) {
            JsonNode summary = json.path(setting);
            for (String method : new String[] {"finetune", "ewc", "online_ewc"}) {
                // Chance is 0.5 on each 2-way task; right after its training each task must be well above it.
                JsonNode learnt = summary.path("per_task_when_learnt").path(method);
                assertEquals(5, learnt.size(), summary.toString());
                double mean = 0;
                for (JsonNode accuracy : learnt) {
                    mean += accuracy.asDouble() / 5;
                }
                assertTrue(mean > 0.75, setting + " " + method + " accuracy when learnt " + learnt);
                double average = summary.path(method + "_avg_acc").asDouble();
                assertTrue(average > 0.5 && average <= 1, setting + " " + method + " average " + average);
                JobAssertions.assertTrainerOutputs(out.resolve(setting).resolve(method).resolve("task4"));
            }
        }
        // The EWC state (Fisher and anchors of the finished tasks) is saved with the checkpoint.
        Path checkpoints = out.resolve("task_incremental/ewc/task4/checkpoints");
        String latest = Files.readString(checkpoints.resolve("latest")).strip();
        JsonNode trainer = new ObjectMapper().readTree(checkpoints.resolve(latest).resolve("trainer.json").toFile());
        assertEquals(4, trainer.path("components").path("ewc").path("consolidated").asInt(), trainer.toString());
        JobAssertions.assertLossFalls(out.resolve("task_incremental/finetune/task0/log.jsonl"), 0.9);
    }

    @Test
    void missingDataAndBadOptionsExitWithTwo(@TempDir Path dir) {
        JobAssertions.assertMissingDataIsExitTwo(Continual::run, dir.resolve("no-such-dir"));
        JobAssertions.assertBadOptionIsExitTwo(Continual::run, "continual");
        assertEquals(2, JobAssertions.run(Continual::run, "--gamma", "1.5").code());
        JobAssertions.assertRefusedBeforeWriting(Continual::run, dir.resolve("out"),
                "--domain-lambda must be a finite number >= 0.0, got NaN", "--domain-lambda", "NaN");
    }
}
