package dev.cortado.training.trainer;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Losses;
import dev.cortado.nn.Module;
import dev.cortado.nn.ReLU;
import dev.cortado.nn.Sequential;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.checkpoint.CheckpointMismatchException;
import dev.cortado.training.checkpoint.CheckpointStore;
import dev.cortado.training.optim.LrSchedule;
import dev.cortado.training.optim.ParamGroups;
import dev.cortado.training.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training loop on a tiny Linear → ReLU → Dropout → Linear classifier and 24 random examples. */
class TrainerTest {
    private static final LrSchedule DECAY = (base, step) -> base / (1 + 0.1 * step);

    /** A fresh model and optimiser built from fixed seeds, so two of them start equal. */
    private record Setup(Module model, SGD optimizer) {
        static Setup of(int hidden, float dropout) {
            Module model = new Sequential(new Linear(4, hidden, 11), new ReLU(), new Dropout(dropout, 5),
                    new Linear(hidden, 3, 12));
            return new Setup(model, new SGD(ParamGroups.of(model, 0.1, 0), 0.9));
        }

        TrainerOptions trainer(SeededBatchesForTests data) {
            return Trainer.builder(model, optimizer, data, batch -> Losses.crossEntropy(
                    model.forward(Variable.constant(batch.inputs())), batch.labels())).progress(null);
        }
    }

    private static SeededBatchesForTests data(int batchSize) {
        return new SeededBatchesForTests(24, 4, 3, batchSize, 7, true);
    }

    private static Map<String, float[]> weights(Module model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> out.put(k, t.toFloatArray()));
        return out;
    }

    private static void assertSameWeights(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k)); // exact: bitwise equal floats
    }

    @Test
    void resumedRunEndsWithBitwiseTheWeightsOfTheUninterruptedOne(@TempDir Path dir) throws IOException {
        Setup a = Setup.of(8, 0.25f);
        TrainingResult full = a.trainer(data(4)).schedule(DECAY).accumulate(2).epochs(3)
                .outputDir(dir.resolve("a")).build().fit();
        assertEquals(9, full.steps()); // 6 batches per epoch, 2 per step

        // Run B dies in step 5 (epoch 1, after its first step); its last checkpoint is that of step 4.
        Setup b = Setup.of(8, 0.25f);
        TrainerCallback crash = new TrainerCallback() {
            @Override
            public void onStepEnd(TrainerContext context, double loss) {
                if (context.step() == 5) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        Path out = dir.resolve("b");
        assertThrows(IllegalStateException.class, () -> b.trainer(data(4)).schedule(DECAY).accumulate(2).epochs(3)
                .checkpoints(2, false).callback(crash).outputDir(out).build().fit());
        assertTrue(CheckpointStore.resolve(out.resolve("checkpoints")).endsWith("ckpt-4"));

        Setup resumed = Setup.of(8, 0.25f);
        TrainingResult rest = resumed.trainer(data(4)).schedule(DECAY).accumulate(2).epochs(3)
                .checkpoints(2, false).outputDir(out).build().resume(out.resolve("checkpoints"));
        assertEquals(9, rest.steps());
        assertEquals(18, ((Dropout) ((Sequential) resumed.model()).get(2)).drawCount()); // one mask per batch
        assertEquals(full.history().losses(), rest.history().losses());
        assertEquals(9, resumed.optimizer().stepCount());
        assertSameWeights(weights(a.model()), weights(resumed.model()));
        // The log holds each step once: the crashed step 5 was dropped when the resumed run reopened it.
        long stepLines = Files.readAllLines(out.resolve("log.jsonl")).stream().filter(l -> l.contains("\"step\",")).count();
        assertEquals(9, stepLines);
    }

    @Test
    void checkpointOfAnotherArchitectureIsRejectedWithItsKeysAndChangesNothing(@TempDir Path dir) throws IOException {
        Setup small = Setup.of(8, 0.25f);
        small.trainer(data(4)).maxSteps(2).outputDir(dir).build().fit();

        Setup other = Setup.of(6, 0.25f);
        Map<String, float[]> before = weights(other.model());
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> other.trainer(data(4)).outputDir(dir).build().resume(dir.resolve("checkpoints")));
        assertTrue(e.getMessage().contains("0.weight: model [6, 4] vs checkpoint [8, 4]"), e.getMessage());
        assertTrue(e.shapeMismatches().stream().anyMatch(m -> m.startsWith("3.weight: model [3, 6]")), e.getMessage());
        assertSameWeights(before, weights(other.model()));
        assertTrue(other.optimizer().stateTensors().isEmpty(), "the fresh optimiser took no state from the checkpoint");
        assertEquals(0, other.optimizer().stepCount());
    }

    @Test
    void nonFiniteLossStopsWithTheStepNumberAndLeavesTheLastCheckpoint(@TempDir Path dir) throws IOException {
        Setup s = Setup.of(8, 0.25f);
        Map<Long, Map<String, float[]>> after = new HashMap<>();
        int[] calls = {0};
        TrainerCallback record = new TrainerCallback() {
            @Override
            public void onStepEnd(TrainerContext context, double loss) {
                after.put(context.step(), weights(context.model()));
            }
        };
        Trainer trainer = Trainer.builder(s.model(), s.optimizer(), data(4), batch -> {
                    Variable loss = Losses.crossEntropy(s.model().forward(Variable.constant(batch.inputs())), batch.labels());
                    return ++calls[0] == 5 ? loss.mul(Float.NaN) : loss;
                }).progress(null).epochs(2).checkpoints(3, false).callback(record).outputDir(dir).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::fit);
        assertEquals(5, e.step());
        assertTrue(e.getMessage().contains("step 5") && e.getMessage().contains("ckpt-3"), e.getMessage());
        Map<String, Tensor> saved = CheckpointStore.read(dir.resolve("checkpoints")).weights();
        Map<String, float[]> savedArrays = new LinkedHashMap<>();
        saved.forEach((k, t) -> savedArrays.put(k, t.toFloatArray()));
        assertSameWeights(after.get(3L), savedArrays);
    }

    @Test
    void accumulatingKBatchesOfBEqualsOneBatchOfKTimesB() throws IOException {
        Setup accumulated = Setup.of(8, 0f);
        accumulated.trainer(new SeededBatchesForTests(24, 4, 3, 4, 7, true)).accumulate(6).epochs(2).build().fit();
        Setup whole = Setup.of(8, 0f);
        whole.trainer(new SeededBatchesForTests(24, 4, 3, 24, 7, true)).epochs(2).build().fit();
        assertEquals(2, accumulated.optimizer().stepCount());
        Map<String, float[]> expected = weights(whole.model());
        weights(accumulated.model()).forEach((k, v) -> {
            for (int i = 0; i < v.length; i++) {
                assertEquals(expected.get(k)[i], v[i], 1e-6, k + "[" + i + "]"); // float32 sums in another order
            }
        });
    }

    @Test
    void earlyStoppingAfterPatienceAndBestCheckpointHoldsTheBestWeights(@TempDir Path dir) throws IOException {
        Setup s = Setup.of(8, 0.25f);
        double[] script = {0.5, 0.6, 0.55, 0.58, 0.59, 0.9};
        int[] evaluations = {0};
        Map<Long, Map<String, float[]>> after = new HashMap<>();
        List<Boolean> trainingDuringEval = new ArrayList<>();
        TrainingResult result = s.trainer(data(4)).epochs(5).outputDir(dir)
                .evaluator(model -> {
                    trainingDuringEval.add(model.isTraining());
                    return Map.of("accuracy", script[evaluations[0]++]);
                }, 1, true)
                .monitor("accuracy", Trainer.Goal.MAXIMIZE).earlyStopping(3).restoreBestAtEnd(true)
                .callback(new TrainerCallback() {
                    @Override
                    public void onStepEnd(TrainerContext context, double loss) {
                        after.put(context.step(), weights(context.model()));
                    }
                }).build().fit();
        assertTrue(result.stoppedEarly());
        assertEquals(5, result.steps()); // evaluations 3, 4 and 5 did not beat 0.6
        assertEquals(0.6, result.bestMetric());
        assertEquals(2, result.bestStep());
        assertEquals(List.of(false, false, false, false, false), trainingDuringEval);
        assertTrue(s.model().isTraining());
        Map<String, float[]> best = new LinkedHashMap<>();
        CheckpointStore.read(dir.resolve("best")).weights().forEach((k, t) -> best.put(k, t.toFloatArray()));
        assertSameWeights(after.get(2L), best);
        assertSameWeights(after.get(2L), weights(s.model())); // restored at the end
        assertNotEquals(after.get(2L).get("0.weight")[0], after.get(5L).get("0.weight")[0]);
    }

    @Test
    void restoringTheBestWeightsWithoutSavingThemIsRejectedAtBuild(@TempDir Path dir) {
        Setup s = Setup.of(8, 0f);
        Evaluator evaluator = model -> Map.of("accuracy", 0.5);
        // Without <dir>/best the run would end with its last weights (no output dir) or with a stale best/ (saveBest off).
        var noOutput = s.trainer(data(4)).evaluator(evaluator, 1, true).monitor("accuracy", Trainer.Goal.MAXIMIZE)
                .restoreBestAtEnd(true);
        assertThrows(IllegalArgumentException.class, noOutput::build);
        var notSaved = s.trainer(data(4)).evaluator(evaluator, 1, true).monitor("accuracy", Trainer.Goal.MAXIMIZE)
                .outputDir(dir).saveBest(false).restoreBestAtEnd(true);
        assertThrows(IllegalArgumentException.class, notSaved::build);
    }

    @Test
    void infiniteClippingNormIsRejectedByTheBuilderNotAtTheFirstStep() {
        Setup s = Setup.of(8, 0f);
        assertThrows(IllegalArgumentException.class, () -> s.trainer(data(4)).clipGradNorm(Double.POSITIVE_INFINITY));
    }

    @Test
    void writesAJsonLinesLogAndAPlot(@TempDir Path dir) throws IOException {
        Setup s = Setup.of(8, 0.25f);
        s.trainer(data(4)).epochs(4).outputDir(dir)
                .evaluator(model -> Map.of("accuracy", 0.5, "loss", 1.0), 4, true).build().fit();
        List<String> lines = Files.readAllLines(dir.resolve("log.jsonl"));
        assertEquals(24 + 6 + 2, lines.size()); // steps; evaluations every 4 steps; at the ends of epochs 1 and 3 (steps 6, 18)
        assertTrue(lines.getFirst().matches("\\{\"type\":\"step\",\"epoch\":0,\"step\":1,\"loss\":[0-9.]+,\"lr\":0.1,\"seconds\":.*"),
                lines.getFirst());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"type\":\"eval\",\"epoch\":0,\"step\":4,")));

        BufferedImage png = ImageIO.read(dir.resolve("training.png").toFile());
        assertEquals(TrainingPlot.WIDTH, png.getWidth());
        assertEquals(TrainingPlot.HEIGHT, png.getHeight());
        // The smoothed-loss curve's colour appears in the upper (loss) panel.
        int curve = 0;
        for (int y = 40; y < TrainingPlot.HEIGHT / 2; y++) {
            for (int x = 71; x < TrainingPlot.WIDTH - 21; x++) {
                curve += (png.getRGB(x, y) & 0xffffff) == 0x1f77b4 ? 1 : 0;
            }
        }
        assertTrue(curve > 50, "smoothed-loss pixels: " + curve);
        assertFalse(Files.exists(dir.resolve("best"))); // nothing monitored
    }
}
