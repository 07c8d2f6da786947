package dev.cortado.training.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Module;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.training.checkpoint.Checkpoint;
import dev.cortado.training.checkpoint.CheckpointStore;
import dev.cortado.training.checkpoint.Checkpointable;
import dev.cortado.training.checkpoint.TrainingSnapshot;
import dev.cortado.training.data.Batch;
import dev.cortado.training.data.BatchSource;
import dev.cortado.training.optim.GradientClipping;
import dev.cortado.training.optim.Optimizer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The training loop. One optimiser step takes {@code k} batches (gradient accumulation): each batch's loss
 * (plus the {@link LossPenalty penalties}) is scaled by 1/k before its backward, so the accumulated gradient
 * is that of the mean loss over the k batches; a last group of an epoch with fewer batches is scaled by
 * 1/(its size). Then the gradients are clipped by global norm (optional), the schedule sets the rates for
 * step t (counted from 0) and the optimiser steps.
 *
 * <p>With an output directory the trainer writes {@code checkpoints/} (every N steps, at each epoch end and
 * at the end; see {@link CheckpointStore}), {@code best/} (the checkpoint with the best monitored metric),
 * {@code log.jsonl} ({@link TrainingLog}) and {@code training.png} ({@link TrainingPlot}).
 *
 * <p>Resuming ({@link #resume(Path)}) restores weights, optimiser and other component state, the position
 * (epoch, step, batch within the epoch), every Dropout's mask stream and the best metric, so the resumed run
 * continues bitwise as the uninterrupted one would have, given a batch source whose order depends only on
 * the epoch and a schedule that depends only on the step.
 *
 * <pre>{@code
 * TrainingResult result = Trainer.builder(model, optimizer, loader, batch -> Losses.crossEntropy(model.forward(x(batch)), batch.labels()))
 *         .epochs(5).schedule(cosine).clipGradNorm(1.0).evaluator(validation, 500, true).monitor("accuracy", Goal.MAXIMIZE)
 *         .outputDir(Path.of("runs/a")).build().fit();
 * }</pre>
 */
public final class Trainer implements TrainerContext {
    /** Whether a larger or a smaller value of the monitored metric is better. */
    public enum Goal { MAXIMIZE, MINIMIZE }

    private final TrainerOptions options;
    private final Map<String, Checkpointable> components = new LinkedHashMap<>();
    private final TrainingHistory history = new TrainingHistory();
    private final List<Double> secondsPerEpoch = new ArrayList<>();
    private int epoch;
    private int batch;
    private long step;
    private double bestMetric = Double.NaN;
    private long bestStep = -1;
    private int evaluationsSinceBest;
    private long lastEvaluationStep = -1;
    private boolean positionSaved;
    private CheckpointStore checkpoints;
    private Path lastCheckpoint;
    private TrainingLog log;
    private ProgressDisplay progress;

    Trainer(TrainerOptions options) {
        this.options = options;
        components.put("optimizer", options.optimizer);
        components.putAll(options.checkpointables);
    }

    public static TrainerOptions builder(Module model, Optimizer optimizer, BatchSource train,
                                         Function<Batch, Variable> loss) {
        return new TrainerOptions(model, optimizer, train, loss);
    }

    @Override
    public Module model() {
        return options.model;
    }

    @Override
    public Optimizer optimizer() {
        return options.optimizer;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public long step() {
        return step;
    }

    /** Trains from the model's current weights, epoch 0, step 0. */
    public TrainingResult fit() throws IOException {
        return run();
    }

    /**
     * Restores the checkpoint at {@code checkpoint} (a checkpoint directory, or a store root such as
     * {@code <out>/checkpoints}) and trains on from its position. The checkpoint is validated against the
     * model and the components first; on a mismatch this throws and changes nothing.
     */
    public TrainingResult resume(Path checkpoint) throws IOException {
        Path dir = CheckpointStore.resolve(checkpoint);
        ObjectNode fields = TrainingSnapshot.restore(CheckpointStore.read(dir), dir.toString(), options.model, components);
        epoch = fields.path("epoch").asInt();
        batch = fields.path("batch").asInt();
        step = fields.path("step").asLong();
        bestMetric = fields.path("best_metric").asDouble(Double.NaN);
        bestStep = fields.path("best_step").asLong(-1);
        evaluationsSinceBest = fields.path("evaluations_since_best").asInt();
        lastEvaluationStep = fields.path("last_evaluation_step").asLong(-1);
        history.loadJson(fields.path("history"));
        positionSaved = true;
        lastCheckpoint = dir;
        return run();
    }

    private TrainingResult run() throws IOException {
        Path out = options.outputDir;
        if (out != null) {
            checkpoints = new CheckpointStore(out.resolve("checkpoints"));
            log = new TrainingLog(java.nio.file.Files.createDirectories(out).resolve("log.jsonl"), step);
        }
        progress = options.progress == null
                ? new ProgressDisplay(new PrintStream(OutputStream.nullOutputStream()), false, options.epochs, totalSteps(), step)
                : new ProgressDisplay(options.progress, ProgressDisplay.attachedToTerminal(), options.epochs, totalSteps(), step);
        options.model.train();
        options.callbacks.forEach(c -> c.onTrainStart(this));
        try {
            while (epoch < options.epochs && step < options.maxSteps && !stoppedEarly()) {
                runEpoch();
            }
            checkpoint();
        } finally {
            if (log != null) {
                log.close();
            }
        }
        if (options.restoreBest && bestStep >= 0 && out != null) {
            options.model.loadStateDict(CheckpointStore.read(out.resolve("best")).weights(), true);
        }
        if (out != null) {
            TrainingPlot.write(history, "Training: loss and metrics", out.resolve("training.png"));
        }
        return new TrainingResult(history, bestMetric, bestStep, step, epoch, List.copyOf(secondsPerEpoch),
                stoppedEarly());
    }

    private long totalSteps() {
        long perEpoch = (options.train.batchesPerEpoch() + options.accumulation - 1) / options.accumulation;
        return Math.min(options.maxSteps, perEpoch * options.epochs);
    }

    private boolean stoppedEarly() {
        return options.patience > 0 && evaluationsSinceBest >= options.patience;
    }

    private void runEpoch() throws IOException {
        int perEpoch = options.train.batchesPerEpoch();
        long started = System.nanoTime();
        if (batch == 0) {
            options.callbacks.forEach(c -> c.onEpochStart(this));
        }
        if (batch < perEpoch) {
            try (BatchSource.BatchIterator batches = options.train.epoch(epoch, batch)) {
                while (batch < perEpoch && step < options.maxSteps && !stoppedEarly()) {
                    trainStep(batches, Math.min(options.accumulation, perEpoch - batch));
                    if (options.evaluateEvery > 0 && step % options.evaluateEvery == 0) {
                        evaluate();
                    }
                    if (options.checkpointEvery > 0 && step % options.checkpointEvery == 0) {
                        checkpoint();
                    }
                }
            }
        }
        if (batch < perEpoch) {
            return; // stopped inside the epoch
        }
        options.callbacks.forEach(c -> c.onEpochEnd(this));
        if (options.evaluator != null && options.evaluateEachEpoch && lastEvaluationStep != step) {
            evaluate();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        secondsPerEpoch.add(seconds);
        progress.epochEnd(epoch, step, seconds);
        epoch++;
        batch = 0;
        positionSaved = false;
        if (options.checkpointEachEpoch) {
            checkpoint();
        }
    }

    /** One optimiser step over {@code group} batches. */
    private void trainStep(BatchSource.BatchIterator batches, int group) throws IOException {
        long started = System.nanoTime();
        // Through the backend, which may capture the step and replay it as one device program (Backend.step).
        StepTotals totals = Backends.current().step(() -> computeStep(batches, group));
        step++;
        positionSaved = false;
        double loss = totals.lossSum() / group;
        history.addStep(step, loss);
        if (log != null) {
            log.step(epoch, step, loss, options.optimizer.groups().getFirst().lr(), (System.nanoTime() - started) / 1e9);
        }
        progress.step(epoch, step, loss, totals.examples());
        options.callbacks.forEach(c -> c.onStepEnd(this, loss));
    }

    private record StepTotals(double lossSum, int examples) {
    }

    /** Gradients of {@code group} batches, clipping, the schedule and the optimiser update. */
    private StepTotals computeStep(BatchSource.BatchIterator batches, int group) {
        options.optimizer.zeroGrad();
        options.model.zeroGrad(); // trainable parameters outside the optimiser must not accumulate across steps
        double lossSum = 0;
        int examples = 0;
        for (int i = 0; i < group; i++) {
            if (!batches.hasNext()) {
                throw new IllegalStateException("Trainer: the batch source ended epoch " + epoch + " after " + batch
                        + " batches but promised " + options.train.batchesPerEpoch());
            }
            Batch next = batches.next();
            Variable loss = options.loss.apply(next);
            for (LossPenalty penalty : options.penalties) {
                loss = loss.add(penalty.penalty());
            }
            double value = loss.data().item();
            if (!Double.isFinite(value)) {
                throw diverged("the loss", value);
            }
            (group == 1 ? loss : loss.mul(1f / group)).backward();
            lossSum += value;
            examples += next.size();
            batch++;
        }
        if (options.clipNorm > 0) {
            List<Variable> parameters = options.optimizer.groups().stream()
                    .flatMap(g -> g.parameters().values().stream()).toList();
            double norm = GradientClipping.clipGlobalNorm(parameters, options.clipNorm);
            if (!Double.isFinite(norm)) {
                throw diverged("the gradient norm", norm);
            }
        }
        if (options.schedule != null) {
            options.schedule.apply(options.optimizer, step);
        }
        options.callbacks.forEach(c -> c.beforeOptimizerStep(this));
        options.optimizer.step();
        return new StepTotals(lossSum, examples);
    }

    private TrainingDivergedException diverged(String what, double value) {
        return new TrainingDivergedException(step + 1, epoch, what, value,
                lastCheckpoint == null ? "none" : lastCheckpoint.toString());
    }

    /** Runs the evaluator in eval mode without gradients, records the metrics and updates best and patience. */
    private void evaluate() throws IOException {
        if (options.evaluator == null) {
            return;
        }
        Map<String, Double> metrics;
        options.model.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            metrics = new LinkedHashMap<>(options.evaluator.evaluate(options.model));
        } finally {
            options.model.train();
        }
        lastEvaluationStep = step;
        history.addEvaluation(new TrainingHistory.Evaluation(epoch, step, Map.copyOf(metrics)));
        if (log != null) {
            log.evaluation(epoch, step, metrics);
        }
        progress.evaluation(epoch, step, metrics);
        if (options.monitor == null) {
            return;
        }
        Double value = metrics.get(options.monitor);
        if (value == null) {
            throw new IllegalArgumentException("Trainer: the evaluator returned no metric '" + options.monitor
                    + "' to monitor; it returned " + metrics.keySet());
        }
        boolean better = Double.isNaN(bestMetric)
                || (options.goal == Goal.MAXIMIZE ? value > bestMetric : value < bestMetric);
        if (better) {
            bestMetric = value;
            bestStep = step;
            evaluationsSinceBest = 0;
            if (options.outputDir != null && options.saveBest) {
                new CheckpointStore(options.outputDir.resolve("best")).write("ckpt-" + step, snapshot());
            }
        } else {
            evaluationsSinceBest++;
        }
    }

    /** Writes a checkpoint of the current position unless there is no output directory or it is already saved. */
    private void checkpoint() throws IOException {
        if (checkpoints != null && !positionSaved) {
            lastCheckpoint = checkpoints.write("ckpt-" + step, snapshot());
            positionSaved = true;
        }
    }

    /** The checkpoint of this moment; the schedule's position is the step (schedules are functions of it). */
    private Checkpoint snapshot() {
        ObjectNode fields = JsonNodeFactory.instance.objectNode()
                .put("epoch", epoch).put("batch", batch).put("step", step)
                .put("evaluations_since_best", evaluationsSinceBest).put("last_evaluation_step", lastEvaluationStep)
                .put("best_step", bestStep);
        JsonNode best = Double.isNaN(bestMetric) ? fields.nullNode() : fields.numberNode(bestMetric);
        fields.set("best_metric", best);
        fields.set("history", history.toJson());
        return TrainingSnapshot.capture(options.model, components, fields);
    }
}
