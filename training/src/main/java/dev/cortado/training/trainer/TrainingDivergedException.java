package dev.cortado.training.trainer;

/**
 * The loss (or the gradient norm) became NaN or infinite. Training stopped before the optimiser used it; the
 * last checkpoint written before that step is untouched.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;

    public TrainingDivergedException(long step, int epoch, String what, double value, String lastCheckpoint) {
        super("training diverged at step " + step + " (epoch " + epoch + "): " + what + " is " + value
                + "; last good checkpoint: " + lastCheckpoint);
        this.step = step;
    }

    /** The step (counted from 1) whose loss or gradient was not finite. */
    public long step() {
        return step;
    }
}
