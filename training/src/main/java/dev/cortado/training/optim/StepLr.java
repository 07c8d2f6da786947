package dev.cortado.training.optim;

/**
 * Step decay, as torch.optim.lr_scheduler.StepLR counted in optimiser steps: the rate is multiplied by
 * {@code gamma} every {@code stepSize} steps,
 * <pre>
 *   lr(t) = base · γ^⌊t / stepSize⌋        (t = 0 for the first step)
 * </pre>
 * e.g. {@code new StepLr(1000, 0.1)}: base for steps 0–999, base/10 for 1000–1999, …
 */
public record StepLr(long stepSize, double gamma) implements LrSchedule {
    public StepLr {
        if (stepSize < 1 || !(gamma > 0)) {
            throw new IllegalArgumentException("StepLr: need step size >= 1 and gamma > 0, got step_size=" + stepSize
                    + " gamma=" + gamma);
        }
    }

    @Override
    public double lr(double baseLr, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("StepLr: step must be >= 0, got " + step);
        }
        return baseLr * Math.pow(gamma, step / stepSize);
    }
}
