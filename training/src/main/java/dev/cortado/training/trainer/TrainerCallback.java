package dev.cortado.training.trainer;

/**
 * Hooks into the training loop, for strategies such as gradual unfreezing. Called on the training thread;
 * {@code onTrainStart} also runs when training resumes from a checkpoint, so a callback whose effect depends
 * on the position (epoch, step) re-applies it there.
 */
public interface TrainerCallback {
    default void onTrainStart(TrainerContext context) {
    }

    default void onEpochStart(TrainerContext context) {
    }

    /** After the gradients of a step are complete (accumulated and clipped), before the optimiser uses them. */
    default void beforeOptimizerStep(TrainerContext context) {
    }

    default void onStepEnd(TrainerContext context, double loss) {
    }

    default void onEpochEnd(TrainerContext context) {
    }
}
