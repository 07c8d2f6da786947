package dev.cortado.training.optim;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as torch.optim.AdamW: each step first
 * shrinks θ by (1 − lr·λ), then takes the Adam step; the update is written out in {@link AbstractAdam}.
 * <pre>{@code
 * var optimizer = new AdamW(ParamGroups.decaySplit(model, 1e-3, 0.01));   // no decay on biases and norms
 * }</pre>
 */
public final class AdamW extends AbstractAdam {
    /** β = (0.9, 0.999), ε = 1e-8, as PyTorch's defaults. */
    public AdamW(List<ParamGroup> groups) {
        this(groups, 0.9, 0.999, 1e-8);
    }

    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        super(groups, beta1, beta2, eps, true);
    }
}
