package dev.cortado.training.optim;

import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with momentum, as torch.optim.SGD. For each parameter θ with gradient g, with
 * its group's rate lr and weight decay λ:
 * <pre>
 *   d ← g + λ·θ                                   (coupled L2 decay)
 *   b ← d at the parameter's first step, else μ·b + (1 − dampening)·d      (only when μ ≠ 0)
 *   d ← d + μ·b  (Nesterov)   or   d ← b  (classical momentum)
 *   θ ← θ − lr·d
 * </pre>
 * The momentum buffer b is the slot {@code momentum_buffer} (checkpoint key {@code "<param>.momentum_buffer"});
 * with μ = 0 there is no slot. Parameters without a gradient are skipped and keep their buffer.
 * <pre>{@code
 * var sgd = new SGD(ParamGroups.decaySplit(model, 0.1, 5e-4), 0.9, 0, true);
 * }</pre>
 */
public final class SGD extends SlotOptimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    /** Plain SGD: θ ← θ − lr·(g + λ·θ). */
    public SGD(List<ParamGroup> groups) {
        this(groups, 0, 0, false);
    }

    /** SGD with classical momentum μ (no dampening). */
    public SGD(List<ParamGroup> groups, double momentum) {
        this(groups, momentum, 0, false);
    }

    /**
     * @throws IllegalArgumentException for μ or dampening outside [0, 1], or Nesterov without momentum or with dampening
     */
    public SGD(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
        super(groups, momentum != 0 ? List.of("momentum_buffer") : List.of());
        if (!(momentum >= 0 && momentum <= 1) || !(dampening >= 0 && dampening <= 1)) {
            throw new IllegalArgumentException("SGD: need momentum and dampening in [0, 1], got momentum=" + momentum
                    + " dampening=" + dampening);
        }
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening = 0, got momentum="
                    + momentum + " dampening=" + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(Tensor parameter, Tensor gradient, Tensor[] slots, long step, double lr, double weightDecay) {
        float[] theta = parameter.floatData();
        int thetaOffset = parameter.offset();
        float[] grad = gradient.floatData();
        int gradOffset = gradient.offset();
        int length = parameter.numel();
        // Scalars rounded to float once, as PyTorch passes them to its float32 kernels.
        float decay = (float) weightDecay;
        float mu = (float) momentum;
        float undamped = (float) (1 - dampening);
        float negLr = (float) -lr;
        boolean useMomentum = slots.length > 0;
        boolean firstStep = step == 1;
        float[] buffer = useMomentum ? slots[0].floatData() : null;
        // The branches test loop invariants, which the JIT hoists out of the loop (loop unswitching).
        for (int j = 0; j < length; j++) {
            float t = theta[thetaOffset + j];
            float d = grad[gradOffset + j] + decay * t;
            if (useMomentum) {
                float b = firstStep ? d : mu * buffer[j] + undamped * d;
                buffer[j] = b;
                d = nesterov ? d + mu * b : b;
            }
            theta[thetaOffset + j] = t + negLr * d;
        }
        parameter.markModified();
        if (useMomentum) {
            slots[0].markModified();
        }
    }
}
