package dev.cortado.training.trainer;

import dev.cortado.nn.Module;
import dev.cortado.training.optim.Optimizer;

/** What a callback sees of a running training: the model, the optimiser and the position. */
public interface TrainerContext {
    Module model();

    Optimizer optimizer();

    /** The current epoch, from 0. */
    int epoch();

    /** Optimiser steps taken so far (over all epochs). */
    long step();
}
