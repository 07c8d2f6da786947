package dev.cortado.training.strategies;

import dev.cortado.nn.Module;
import dev.cortado.training.optim.Optimizer;
import dev.cortado.training.trainer.TrainerContext;

/** A fixed training position for driving callbacks in tests. */
record Position(Module model, Optimizer optimizer, int epoch, long step) implements TrainerContext {
    Position(Module model, int epoch, long step) {
        this(model, null, epoch, step);
    }
}
