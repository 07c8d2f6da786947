package dev.cortado.training.optim;

import java.util.List;

/**
 * Adam with coupled L2 weight decay (λ·θ added to the gradient), as torch.optim.Adam without amsgrad; the
 * update is written out in {@link AbstractAdam}. For decay that does not pass through the moments use
 * {@link AdamW}.
 * <pre>{@code
 * var adam = new Adam(ParamGroups.of(model, 1e-3, 0));
 * }</pre>
 */
public final class Adam extends AbstractAdam {
    /** β = (0.9, 0.999), ε = 1e-8, as PyTorch's defaults. */
    public Adam(List<ParamGroup> groups) {
        this(groups, 0.9, 0.999, 1e-8);
    }

    public Adam(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        super(groups, beta1, beta2, eps, false);
    }
}
