package dev.cortado.training.optim;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as torch.optim.AdamW. For each parameter
 * θ with gradient g at step t:
 * <pre>
 *   θ ← θ·(1 − lr·λ)
 *   m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * </pre>
 * Parameters without a gradient (frozen, or unused this step) are skipped and keep their moments.
 */
public final class AdamW {
    private final List<Variable> parameters;
    private final float lr;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float[][] firstMoments;
    private final float[][] secondMoments;
    private int step;

    /** β = (0.9, 0.999), ε = 1e-8, as PyTorch's defaults. */
    public AdamW(List<Variable> parameters, float lr, float weightDecay) {
        this(parameters, lr, 0.9f, 0.999f, 1e-8f, weightDecay);
    }

    public AdamW(List<Variable> parameters, float lr, float beta1, float beta2, float eps, float weightDecay) {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW: need lr, eps, weight decay >= 0 and betas in [0, 1), got lr=" + lr
                    + " betas=(" + beta1 + ", " + beta2 + ") eps=" + eps + " weight_decay=" + weightDecay);
        }
        this.parameters = List.copyOf(parameters);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.firstMoments = new float[this.parameters.size()][];
        this.secondMoments = new float[this.parameters.size()][];
        for (int i = 0; i < this.parameters.size(); i++) {
            Tensor data = this.parameters.get(i).data();
            if (!data.isContiguous()) {
                throw new IllegalArgumentException("AdamW: parameter " + i + " is not contiguous");
            }
            firstMoments[i] = new float[data.numel()];
            secondMoments[i] = new float[data.numel()];
        }
    }

    /** One update of every parameter that has a gradient. */
    public void step() {
        step++;
        float bias1 = 1 - (float) Math.pow(beta1, step);
        float bias2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        float stepSize = lr / bias1;
        float decay = 1 - lr * weightDecay;
        for (int i = 0; i < parameters.size(); i++) {
            Variable parameter = parameters.get(i);
            Tensor grad = parameter.grad();
            if (grad == null) {
                continue;
            }
            Tensor data = parameter.data();
            float[] theta = data.floatData();
            int offset = data.offset();
            Tensor denseGrad = grad.contiguous();
            float[] g = denseGrad.floatData();
            int gOffset = denseGrad.offset();
            float[] m = firstMoments[i];
            float[] v = secondMoments[i];
            for (int j = 0; j < m.length; j++) {
                float gj = g[gOffset + j];
                m[j] = beta1 * m[j] + (1 - beta1) * gj;
                v[j] = beta2 * v[j] + (1 - beta2) * gj * gj;
                float denominator = (float) Math.sqrt(v[j]) / bias2Sqrt + eps;
                theta[offset + j] = theta[offset + j] * decay - stepSize * m[j] / denominator;
            }
            data.markModified();
        }
    }

    /** Clears the gradients of all parameters. */
    public void zeroGrad() {
        parameters.forEach(Variable::zeroGrad);
    }

    public int stepCount() {
        return step;
    }
}
