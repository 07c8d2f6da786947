package dev.cortado.training.strategies;

import dev.cortado.autograd.Variable;
import dev.cortado.training.trainer.TrainerCallback;
import dev.cortado.training.trainer.TrainerContext;

import java.util.List;
import java.util.Map;

/**
 * Gradual unfreezing (Howard &amp; Ruder 2018, ULMFiT §3.2): training starts with only the top layer group
 * trainable and unfreezes one more group, from the top down, every {@code interval} epochs (or optimiser
 * steps). At position p (the epoch, or the number of steps taken) the trainable groups are the first
 * <pre>
 *   due(p) = min(G, 1 + ⌊p / interval⌋)
 * </pre>
 * of the G {@link LayerGroups}; every other parameter of the model is frozen (and its gradient cleared).
 * Because {@link #onTrainStart} applies {@code due} at the context's position, a run resumed from a checkpoint
 * gets the same trainable set as the uninterrupted run had there. The optimiser skips parameters without a
 * gradient, so it can hold all groups from the start; pair it with {@link DiscriminativeLr} for ULMFiT's
 * per-group rates.
 * <pre>{@code
 * LayerGroups groups = LayerGroups.visionTransformer(vit.config().depth());
 * List<ParamGroup> rates = DiscriminativeLr.paramGroups(vit, groups, 1e-3, DiscriminativeLr.ULMFIT_FACTOR, 0.01);
 * TrainerCallback unfreezing = GradualUnfreezing.perEpoch(groups);  // epoch 0: head+norm, 1: + last layer, …
 * // give the optimiser the groups and the trainer the callback
 * }</pre>
 * In step mode the count for the coming step is taken in {@link #onStepEnd} from {@link TrainerContext#step()},
 * which then includes the step just finished.
 */
public final class GradualUnfreezing implements TrainerCallback {
    /** What the interval counts. */
    public enum Unit { EPOCHS, STEPS }

    private final LayerGroups groups;
    private final Unit unit;
    private final long interval;
    private List<Map<String, Variable>> resolved;
    private int applied;

    public GradualUnfreezing(LayerGroups groups, Unit unit, long interval) {
        if (interval < 1) {
            throw new IllegalArgumentException("GradualUnfreezing: interval must be positive, got " + interval + " "
                    + unit);
        }
        this.groups = groups;
        this.unit = unit;
        this.interval = interval;
    }

    /** One more group per epoch. */
    public static GradualUnfreezing perEpoch(LayerGroups groups) {
        return new GradualUnfreezing(groups, Unit.EPOCHS, 1);
    }

    /** One more group every {@code steps} optimiser steps. */
    public static GradualUnfreezing everySteps(LayerGroups groups, long steps) {
        return new GradualUnfreezing(groups, Unit.STEPS, steps);
    }

    /** How many groups, from the top, are trainable at this position: min(G, 1 + ⌊p / interval⌋). */
    public int groupsDue(int epoch, long step) {
        long position = unit == Unit.EPOCHS ? epoch : step;
        if (position < 0) {
            throw new IllegalArgumentException("GradualUnfreezing: negative position epoch=" + epoch + " step=" + step);
        }
        return (int) Math.min(groups.size(), 1 + position / interval);
    }

    /** Resolves the groups on the model (validating them) and applies the trainable set of the current position. */
    @Override
    public void onTrainStart(TrainerContext context) {
        resolved = groups.resolve(context.model());
        applied = -1;
        apply(context);
    }

    @Override
    public void onEpochStart(TrainerContext context) {
        apply(context);
    }

    @Override
    public void onStepEnd(TrainerContext context, double loss) {
        if (unit == Unit.STEPS) {
            apply(context);
        }
    }

    private void apply(TrainerContext context) {
        if (resolved == null) {
            throw new IllegalStateException("GradualUnfreezing: onTrainStart was not called");
        }
        int due = groupsDue(context.epoch(), context.step());
        if (due == applied) {
            return;
        }
        for (int g = 0; g < resolved.size(); g++) {
            boolean trainable = g < due;
            for (Variable parameter : resolved.get(g).values()) {
                parameter.setRequiresGrad(trainable);
                if (!trainable) {
                    parameter.zeroGrad();
                }
            }
        }
        applied = due;
    }
}
