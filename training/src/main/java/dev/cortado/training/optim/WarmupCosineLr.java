package dev.cortado.training.optim;

/**
 * Linear warm-up, then cosine decay to a floor (Goyal et al., 2017, for the warm-up; Loshchilov and Hutter,
 * 2017, SGDR, for the cosine). With W = {@code warmupSteps}, T = {@code totalSteps}, r = {@code minLrRatio}
 * and t = 0 for the first step:
 * <pre>
 *   lr(t) = base · (t + 1) / W                                     for t &lt; W
 *   lr(t) = base · (r + (1 − r) · (1 + cos(π·p)) / 2),  p = min(1, (t − W) / (T − W))   otherwise
 * </pre>
 * The warm-up counts from t + 1 so that the first step already moves (base/W, not 0); it reaches base at
 * t = W − 1, and the cosine starts at base at t = W and ends at r·base at t = T, where it then stays.
 * W = 0 gives plain cosine decay.
 */
public record WarmupCosineLr(long warmupSteps, long totalSteps, double minLrRatio) implements LrSchedule {
    public WarmupCosineLr {
        if (warmupSteps < 0 || totalSteps <= warmupSteps || !(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("WarmupCosineLr: need 0 <= warmup steps < total steps and min lr ratio in [0, 1],"
                    + " got warmup_steps=" + warmupSteps + " total_steps=" + totalSteps + " min_lr_ratio=" + minLrRatio);
        }
    }

    @Override
    public double lr(double baseLr, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("WarmupCosineLr: step must be >= 0, got " + step);
        }
        if (step < warmupSteps) {
            return baseLr * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return baseLr * (minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
