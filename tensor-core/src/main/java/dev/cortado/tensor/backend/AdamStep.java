package dev.cortado.tensor.backend;

/**
 * The per-step scalars of one Adam or AdamW update ({@link Backend#adamStep}), each computed in double and
 * rounded to float once, as PyTorch's float32 kernels do: with the step t ≥ 1,
 * {@code stepSize = lr / (1 − β₁ᵗ)}, {@code bias2Sqrt = √(1 − β₂ᵗ)}; exactly one decay is active:
 * {@code l2 = λ} (Adam) with {@code shrink = 1}, or {@code l2 = 0} with {@code shrink = 1 − lr·λ} (AdamW).
 */
public record AdamStep(float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2, float stepSize,
                       float bias2Sqrt, float eps, float l2, float shrink) {
    /** The scalars of Adam's step {@code step} (from 1) with rate lr and coupled L2 decay λ (added to the gradient). */
    public static AdamStep adam(double beta1, double beta2, double eps, double lr, double weightDecay, long step) {
        return of(beta1, beta2, eps, lr, step, (float) weightDecay, 1f);
    }

    /** The scalars of AdamW's step {@code step} (from 1) with rate lr and decoupled weight decay λ. */
    public static AdamStep adamW(double beta1, double beta2, double eps, double lr, double weightDecay, long step) {
        return of(beta1, beta2, eps, lr, step, 0f, (float) (1 - lr * weightDecay));
    }

    private static AdamStep of(double beta1, double beta2, double eps, double lr, long step, float l2, float shrink) {
        if (step < 1) {
            throw new IllegalArgumentException("AdamStep: step counts from 1, got " + step);
        }
        return new AdamStep((float) beta1, (float) beta2, (float) (1 - beta1), (float) (1 - beta2),
                (float) (lr / (1 - Math.pow(beta1, step))),
                (float) Math.sqrt(1 - Math.pow(beta2, step)), (float) eps, l2, shrink);
    }
}
