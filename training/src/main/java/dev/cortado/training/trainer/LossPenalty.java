package dev.cortado.training.trainer;

import dev.cortado.autograd.Variable;

/** A differentiable term the trainer adds to every training loss (a regulariser such as EWC's). */
@FunctionalInterface
public interface LossPenalty {
    /** The penalty as a scalar variable, built from the current parameters. */
    Variable penalty();
}
