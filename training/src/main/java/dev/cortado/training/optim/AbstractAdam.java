package dev.cortado.training.optim;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.AdamStep;
import dev.cortado.tensor.backend.Backends;
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
 * m and v are the slots {@code exp_avg} and {@code exp_avg_sq}, as PyTorch names them. The scalars are computed
 * in double and rounded to float once ({@link AdamStep}), as PyTorch passes them to its float32 kernels; the
 * loop is {@link dev.cortado.tensor.backend.Backend#adamStep}.
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

    /** Runs on the current backend, so a device backend updates θ, m and v where they live. */
    @Override
    protected final void update(Tensor theta, Tensor grad, Tensor[] slots, long step, double lr, double weightDecay) {
        AdamStep scalars = decoupledDecay
                ? AdamStep.adamW(beta1, beta2, eps, lr, weightDecay, step)
                : AdamStep.adam(beta1, beta2, eps, lr, weightDecay, step);
        Backends.current().adamStep(theta, grad, slots[0], slots[1], scalars);
    }
}
