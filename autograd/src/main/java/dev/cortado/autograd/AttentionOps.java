package dev.cortado.autograd;

import dev.cortado.tensor.DotProductAttention;
import dev.cortado.tensor.Tensor;

import java.util.Arrays;

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

    /**
     * {@link #scaledDotProduct} over the heads of a packed self-attention projection {@code qkv [B, L, 3·H·d]}:
     * Q, K and V side by side along the last dim (as {@code nn.MultiheadAttention}'s {@code in_proj} makes
     * them), each split into {@code heads} heads of width d. Returns {@code [B, H, L, d]}. Same result as
     * chunking qkv and splitting the heads, but the backward writes dQ, dK and dV straight into one
     * {@code [B, L, 3·H·d]} gradient instead of three zero-filled ones that the engine then adds up.
     */
    public static Variable selfAttention(Variable qkv, int heads, Tensor mask, float scale) {
        Tensor packed = qkv.data();
        if (packed.dim() != 3 || heads < 1 || packed.size(2) % (3 * heads) != 0) {
            throw new IllegalArgumentException("self_attention: qkv must be [B, L, 3·H·d] for " + heads
                    + " heads, got " + Arrays.toString(packed.shape()));
        }
        Tensor[] parts = headViews(packed, heads);
        boolean backward = NoGrad.isGradEnabled() && qkv.requiresGrad();
        DotProductAttention.Result result = DotProductAttention.forward(parts[0], parts[1], parts[2], mask, scale,
                backward);
        Tensor probs = result.probs();
        return Node.record("self_attention", result.output(), new Tensor[] {packed, probs}, g -> {
            Tensor grad = Tensor.zeros(packed.shape());
            Tensor[] gradParts = headViews(grad, heads);
            DotProductAttention.backwardInto(parts[0], parts[1], parts[2], probs, g, scale,
                    new DotProductAttention.Gradients(gradParts[0], gradParts[1], gradParts[2]));
            return new Tensor[] {grad};
        }, qkv);
    }

    /** The Q, K and V heads of a packed {@code [B, L, 3·H·d]} tensor, as {@code [B, H, L, d]} views of it. */
    private static Tensor[] headViews(Tensor packed, int heads) {
        int batch = packed.size(0), length = packed.size(1), width = packed.size(2) / 3;
        Tensor[] views = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            views[i] = packed.narrow(2, i * width, width).view(batch, length, heads, width / heads)
                    .permute(0, 2, 1, 3);
        }
        return views;
    }
}
