package dev.cortado.training.optim;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;

import java.util.Collection;

/** Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * Clips the gradients of {@code parameters} by their global L2 norm: with
     * <pre>
     *   ‖g‖ = √(Σ_p Σ_i g_{p,i}²)      (over every gradient together, parameters without one are skipped)
     * </pre>
     * every gradient is scaled by {@code maxNorm / (‖g‖ + 1e-6)} when {@code ‖g‖ > maxNorm}. The sum of
     * squares is accumulated in double. A non-finite norm (an overflowing or NaN gradient) is returned
     * unchanged and the gradients are left as they are: scaling could not repair them, and the caller (the
     * trainer) reports the divergence.
     *
     * @return the total norm before clipping
     */
    public static double clipGlobalNorm(Collection<Variable> parameters, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("GradientClipping.clipGlobalNorm: max norm must be finite and > 0, got "
                    + maxNorm);
        }
        double sumOfSquares = 0;
        for (Variable parameter : parameters) {
            Tensor grad = parameter.grad();
            if (grad == null) {
                continue;
            }
            Tensor dense = grad.contiguous();
            float[] g = dense.floatData();
            for (int i = dense.offset(), end = dense.offset() + dense.numel(); i < end; i++) {
                sumOfSquares += (double) g[i] * g[i];
            }
        }
        double norm = Math.sqrt(sumOfSquares);
        if (!Double.isFinite(norm) || norm <= maxNorm) {
            return norm;
        }
        // PyTorch's coefficient: the 1e-6 keeps it finite for a zero norm and leaves the clipped norm just below maxNorm.
        float scale = (float) (maxNorm / (norm + 1e-6));
        for (Variable parameter : parameters) {
            if (parameter.grad() != null) {
                parameter.setGrad(Elementwise.mul(parameter.grad(), scale));
            }
        }
        return norm;
    }
}
