package dev.cortado.training.trainer;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Module;
import dev.cortado.training.checkpoint.Checkpointable;
import dev.cortado.training.data.Batch;
import dev.cortado.training.data.BatchSource;
import dev.cortado.training.optim.LrSchedule;
import dev.cortado.training.optim.Optimizer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Options of a {@link Trainer}; the four required parts come through {@link Trainer#builder}. */
public final class TrainerOptions {
    final Module model;
    final Optimizer optimizer;
    final BatchSource train;
    final Function<Batch, Variable> loss;
    LrSchedule schedule;
    final List<LossPenalty> penalties = new ArrayList<>();
    final List<TrainerCallback> callbacks = new ArrayList<>();
    final Map<String, Checkpointable> checkpointables = new LinkedHashMap<>();
    Evaluator evaluator;
    int evaluateEvery;
    boolean evaluateEachEpoch = true;
    int epochs = 1;
    long maxSteps = Long.MAX_VALUE;
    int accumulation = 1;
    double clipNorm;
    String monitor;
    Trainer.Goal goal = Trainer.Goal.MAXIMIZE;
    int patience;
    boolean saveBest = true;
    boolean restoreBest;
    Path outputDir;
    int checkpointEvery;
    boolean checkpointEachEpoch = true;
    PrintStream progress = System.err;

    TrainerOptions(Module model, Optimizer optimizer, BatchSource train, Function<Batch, Variable> loss) {
        this.model = model;
        this.optimizer = optimizer;
        this.train = train;
        this.loss = loss;
    }

    public TrainerOptions schedule(LrSchedule schedule) {
        this.schedule = schedule;
        return this;
    }

    public TrainerOptions penalty(LossPenalty penalty) {
        penalties.add(penalty);
        return this;
    }

    public TrainerOptions callback(TrainerCallback callback) {
        callbacks.add(callback);
        return this;
    }

    /** A component saved with every checkpoint under {@code name} (EWC's Fisher and anchors, …). */
    public TrainerOptions checkpointable(String name, Checkpointable component) {
        if (name.equals("optimizer") || name.contains("/") || checkpointables.containsKey(name)) {
            throw new IllegalArgumentException("Trainer: checkpointable name '" + name
                    + "' is reserved, contains '/' or is taken");
        }
        checkpointables.put(name, component);
        return this;
    }

    /** Validation metrics, computed every {@code everySteps} steps (0: never by step) and at each epoch end. */
    public TrainerOptions evaluator(Evaluator evaluator, int everySteps, boolean eachEpoch) {
        this.evaluator = evaluator;
        this.evaluateEvery = requireAtLeast("evaluation interval", everySteps, 0);
        this.evaluateEachEpoch = eachEpoch;
        return this;
    }

    public TrainerOptions epochs(int epochs) {
        this.epochs = requireAtLeast("epochs", epochs, 1);
        return this;
    }

    public TrainerOptions maxSteps(long maxSteps) {
        this.maxSteps = requireAtLeast("max steps", maxSteps, 1);
        return this;
    }

    /** One optimiser step per {@code batches} batches. */
    public TrainerOptions accumulate(int batches) {
        this.accumulation = requireAtLeast("accumulation", batches, 1);
        return this;
    }

    public TrainerOptions clipGradNorm(double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("Trainer: clipping max norm must be finite and > 0, got " + maxNorm);
        }
        this.clipNorm = maxNorm;
        return this;
    }

    /** The validation metric that selects the best checkpoint (saved to {@code <out>/best/} unless disabled). */
    public TrainerOptions monitor(String metric, Trainer.Goal goal) {
        this.monitor = metric;
        this.goal = goal;
        return this;
    }

    /** Stops after {@code evaluations} evaluations in a row without a better monitored metric. */
    public TrainerOptions earlyStopping(int evaluations) {
        this.patience = requireAtLeast("early-stopping patience", evaluations, 1);
        return this;
    }

    public TrainerOptions saveBest(boolean on) {
        this.saveBest = on;
        return this;
    }

    /**
     * Loads the best checkpoint's weights into the model when training ends; they are read from
     * {@code <out>/best/}, so {@link #build} requires an output directory and {@link #saveBest} on.
     */
    public TrainerOptions restoreBestAtEnd(boolean on) {
        this.restoreBest = on;
        return this;
    }

    public TrainerOptions outputDir(Path dir) {
        this.outputDir = dir;
        return this;
    }

    /** A checkpoint every {@code steps} steps (0: none by step) and optionally at each epoch end. */
    public TrainerOptions checkpoints(int everySteps, boolean eachEpoch) {
        this.checkpointEvery = requireAtLeast("checkpoint interval", everySteps, 0);
        this.checkpointEachEpoch = eachEpoch;
        return this;
    }

    /** Where progress goes (stderr by default); {@code null} for none. */
    public TrainerOptions progress(PrintStream stream) {
        this.progress = stream;
        return this;
    }

    public Trainer build() {
        if ((patience > 0 || restoreBest) && monitor == null) {
            throw new IllegalArgumentException("Trainer: early stopping and restoring the best weights need monitor(metric, goal)");
        }
        if (restoreBest && (outputDir == null || !saveBest)) {
            throw new IllegalArgumentException("Trainer: restoring the best weights at the end needs outputDir(dir) and"
                    + " saveBest(true): the best weights are read back from <dir>/best");
        }
        if (monitor != null && evaluator == null) {
            throw new IllegalArgumentException("Trainer: monitoring '" + monitor + "' needs an evaluator");
        }
        return new Trainer(this);
    }

    private static <T extends Number> T requireAtLeast(String what, T value, long min) {
        if (value.longValue() < min) {
            throw new IllegalArgumentException("Trainer: " + what + " must be >= " + min + ", got " + value);
        }
        return value;
    }
}
