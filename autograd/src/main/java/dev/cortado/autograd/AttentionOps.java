package dev.cortado.autograd;

import dev.cortado.tensor.DotProductAttention;
import dev.cortado.tensor.Tensor;

/** Differentiable scaled dot-product attention as one op (tensor-core's {@link DotProductAttention}). */
public final class AttentionOps {
    private AttentionOps() {
    }

    /**
     * softmax(scale · Q·Kᵀ + mask)·V for Q {@code [B, H, Lq, D]}, K {@code [B, H, Lk, D]}, V {@code [B, H, Lk, Dv]};
     * the mask (a constant: FLOAT32 added to the scores, BOOL masking where true, or null) broadcasts to
     * {@code [B, H, Lq, Lk]}. The probabilities are saved for the backward (and not stored at all when no gradient
     * is wanted), which returns
     * dQ = scale·dS·K, dK = scale·dSᵀ·Q and dV = Pᵀ·dO with dS the softmax gradient of dP = dO·Vᵀ.
     */
    public static Variable scaledDotProduct(Variable q, Variable k, Variable v, Tensor mask, float scale) {
        Tensor query = q.data(), key = k.data(), value = v.data();
        boolean backward = NoGrad.isGradEnabled() && (q.requiresGrad() || k.requiresGrad() || v.requiresGrad());
        DotProductAttention.Result result = DotProductAttention.forward(query, key, value, mask, scale, backward);
        Tensor probs = result.probs();
        return Node.record("scaled_dot_product_attention", result.output(), new Tensor[] {query, key, value, probs},
                g -> {
                    DotProductAttention.Gradients grads = DotProductAttention.backward(query, key, value, probs, g,
                            scale);
                    return new Tensor[] {grads.query(), grads.key(), grads.value()};
                }, q, k, v);
    }
}
