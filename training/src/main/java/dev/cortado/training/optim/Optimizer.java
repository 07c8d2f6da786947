package dev.cortado.training.optim;

import dev.cortado.autograd.Variable;
import dev.cortado.training.checkpoint.Checkpointable;

import java.util.List;

/**
 * An optimiser over parameter groups. Every step updates each parameter that has a gradient with its group's
 * current {@code lr} and {@code weightDecay}; parameters without a gradient (frozen, or unused this step) are
 * skipped and keep their state, so a frozen parameter can be unfrozen later without rebuilding the optimiser.
 * Per-parameter state (momenta, moments) is saved by parameter name through {@link Checkpointable}.
 */
public abstract class Optimizer implements Checkpointable {
    private final List<ParamGroup> groups;

    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups");
        }
        this.groups = List.copyOf(groups);
    }

    public final List<ParamGroup> groups() {
        return groups;
    }

    /** One update of every parameter that has a gradient. */
    public abstract void step();

    /** Clears the gradients of all parameters. */
    public final void zeroGrad() {
        for (ParamGroup group : groups) {
            group.parameters().values().forEach(Variable::zeroGrad);
        }
    }
}
