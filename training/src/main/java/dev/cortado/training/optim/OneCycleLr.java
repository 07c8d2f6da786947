package dev.cortado.training.optim;

/**
 * The one-cycle policy (Smith and Topin, 2019), as torch.optim.lr_scheduler.OneCycleLR with its defaults
 * {@code anneal_strategy='cos'} and {@code three_phase=False}; the group's base rate is {@code max_lr}. With
 * N = {@code totalSteps}, p = {@code pctStart}, initial = base / {@code divFactor},
 * min = initial / {@code finalDivFactor} and cos(a, b, x) = b + (a − b)·(1 + cos(π·x)) / 2:
 * <pre>
 *   e₁ = p·N − 1
 *   lr(t) = cos(initial, base, t / e₁)                     for t ≤ e₁
 *   lr(t) = cos(base, min, (t − e₁) / (N − 1 − e₁))        otherwise, up to t = N
 * </pre>
 * (PyTorch's phase boundaries, fractional e₁ included, so the values agree step for step.) Steps past N
 * are an error, as in PyTorch. <b>Momentum is not cycled</b>: PyTorch by default also swings SGD's momentum
 * or Adam's β₁ inversely to the rate (0.95 → 0.85 → 0.95); here the optimiser keeps its fixed momentum, as
 * PyTorch does with {@code cycle_momentum=False}.
 */
public record OneCycleLr(long totalSteps, double pctStart, double divFactor, double finalDivFactor) implements LrSchedule {
    public OneCycleLr {
        if (totalSteps < 2 || !(pctStart > 0 && pctStart < 1) || !(divFactor > 0) || !(finalDivFactor > 0)
                || pctStart * totalSteps - 1 <= 0 || pctStart * totalSteps - 1 >= totalSteps - 1) {
            throw new IllegalArgumentException("OneCycleLr: need total steps >= 2, pct_start in (0, 1) leaving both phases"
                    + " at least one step, and positive div factors, got total_steps=" + totalSteps + " pct_start=" + pctStart
                    + " div_factor=" + divFactor + " final_div_factor=" + finalDivFactor);
        }
    }

    /** PyTorch's defaults: pct_start 0.3, div_factor 25, final_div_factor 1e4. */
    public OneCycleLr(long totalSteps) {
        this(totalSteps, 0.3, 25, 1e4);
    }

    @Override
    public double lr(double baseLr, long step) {
        if (step < 0 || step > totalSteps) {
            throw new IllegalArgumentException("OneCycleLr: step " + step + " outside the cycle [0, " + totalSteps + "]");
        }
        double initialLr = baseLr / divFactor;
        double minLr = initialLr / finalDivFactor;
        double warmEnd = pctStart * totalSteps - 1;
        if (step <= warmEnd) {
            return cosine(initialLr, baseLr, step / warmEnd);
        }
        return cosine(baseLr, minLr, (step - warmEnd) / (totalSteps - 1 - warmEnd));
    }

    /** From {@code start} at x = 0 to {@code end} at x = 1 along half a cosine, as PyTorch's _annealing_cos. */
    private static double cosine(double start, double end, double x) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * x) + 1);
    }
}
