package dev.cortado.training.optim;

import java.util.List;

/**
 * The moment arithmetic Adam and AdamW share (Kingma and Ba, 2015, Algorithm 1; Loshchilov and Hutter, 2019,
 * for the decoupled decay). For each parameter θ with gradient g at that parameter's step t, with its group's
 * rate lr and weight decay λ:
 * <pre>
 *   g ← g + λ·θ                     (Adam: coupled L2 decay)
 *   θ ← θ·(1 − lr·λ)                (AdamW: decoupled decay)
 *   m ← β₁·m + (1 − β₁)·g           v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * m and v are the slots {@code exp_avg} and {@code exp_avg_sq}, as PyTorch names them.
 */
public abstract sealed class AbstractAdam extends SlotOptimizer permits Adam, AdamW {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean decoupledDecay;

    AbstractAdam(List<ParamGroup> groups, double beta1, double beta2, double eps, boolean decoupledDecay) {
        super(groups, List.of("exp_avg", "exp_avg_sq"));
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": need betas in [0, 1) and eps >= 0, got betas=("
                    + beta1 + ", " + beta2 + ") eps=" + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupledDecay = decoupledDecay;
    }

    @Override
    protected final void update(float[] theta, int thetaOffset, float[] grad, int gradOffset, int length, float[][] slots,
                                long step, double lr, double weightDecay) {
        float[] m = slots[0];
        float[] v = slots[1];
        // Scalars computed in double and rounded to float once, as PyTorch passes them to its float32 kernels.
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float stepSize = (float) (lr / (1 - Math.pow(beta1, step)));
        float bias2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        float epsilon = (float) eps;
        // Exactly one of the two decays is active: l2 = 0 leaves g as it is, shrink = 1 leaves θ as it is.
        float l2 = decoupledDecay ? 0f : (float) weightDecay;
        float shrink = decoupledDecay ? (float) (1 - lr * weightDecay) : 1f;
        for (int j = 0; j < length; j++) {
            float t = theta[thetaOffset + j];
            float g = grad[gradOffset + j] + l2 * t;
            float mj = b1 * m[j] + oneMinusB1 * g;
            float vj = b2 * v[j] + oneMinusB2 * g * g;
            m[j] = mj;
            v[j] = vj;
            float denominator = (float) Math.sqrt(vj) / bias2Sqrt + epsilon;
            theta[thetaOffset + j] = t * shrink - stepSize * (mj / denominator);
        }
    }
}
