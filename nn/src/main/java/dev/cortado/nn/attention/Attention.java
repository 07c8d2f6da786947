package dev.cortado.nn.attention;

import dev.cortado.autograd.AttentionOps;
import dev.cortado.autograd.DropoutOps;
import dev.cortado.autograd.JoinOps;
import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.SoftmaxOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;

import java.util.List;

/**
 * The stateless maths of attention, shared by every attention module: scaled dot-product attention and the
 * head split/merge around it. All gradients come from the primitive ops (matmul, softmax, masked fill).
 */
public final class Attention {
    private Attention() {
    }

    /** What {@link #scaledDotProduct} returns: the attended values and the attention weights. */
    public record Result(Variable output, Variable weights) {
    }

    /**
     * softmax(Q·Kᵀ/√d + mask)·V for Q {@code [..., Lq, d]}, K {@code [..., Lk, d]}, V {@code [..., Lk, dv]}
     * → output {@code [..., Lq, dv]} and weights {@code [..., Lq, Lk]} (after dropout, as PyTorch returns
     * them). Q is scaled before the product, as PyTorch does. Masks broadcast to {@code [..., Lq, Lk]}: a
     * BOOL mask sets the scores where it is true to −∞ (a row masked everywhere gives NaN, as in PyTorch); a
     * float mask is added to the scores. {@code masks} may hold nulls. Dropout (probability {@code p},
     * mask from {@code seed}) acts on the weights.
     */
    public static Result scaledDotProduct(Variable q, Variable k, Variable v, float dropoutP, long seed,
                                          Tensor... masks) {
        int d = q.size(q.dim() - 1);
        // Heads arrive as strided views; dense Q, Kᵀ and V let the batch of per-head products run as one
        // batched matmul whose B operands have contiguous rows (the fast small-product path).
        Variable scaled = MathOps.mul(q, (float) (1 / Math.sqrt(d)));
        Variable keysT = ShapeOps.contiguous(ShapeOps.transpose(k, -1, -2));
        Variable scores = LinalgOps.matmul(scaled, keysT);
        for (Tensor mask : masks) {
            scores = applyMask(scores, mask);
        }
        Variable weights = SoftmaxOps.softmax(scores, -1);
        if (dropoutP > 0) {
            weights = DropoutOps.dropout(weights, dropoutP, seed);
        }
        return new Result(LinalgOps.matmul(weights, ShapeOps.contiguous(v)), weights);
    }

    /**
     * The attended values of {@link #scaledDotProduct} without the weights, for {@code [B, H, L, d]} heads. With
     * no dropout this is one fused op ({@link AttentionOps}: the scores never leave the kernel's buffers and
     * the output comes back with its heads interleaved, so {@link #mergeHeads} needs no copy); otherwise, or
     * for other ranks, the composed ops of {@link #scaledDotProduct}. Masks as there.
     */
    public static Variable attend(Variable q, Variable k, Variable v, float dropoutP, long seed, Tensor... masks) {
        if (dropoutP > 0 || q.dim() != 4 || k.dim() != 4 || v.dim() != 4) {
            return scaledDotProduct(q, k, v, dropoutP, seed, masks).output();
        }
        float scale = (float) (1 / Math.sqrt(q.size(3)));
        return AttentionOps.scaledDotProduct(q, k, v, combined(masks), scale);
    }

    /**
     * {@link #attend} for self-attention whose Q, K and V come packed side by side in one projection
     * {@code qkv [B, L, 3·H·d]} (as {@code nn.MultiheadAttention}'s {@code in_proj} makes them); returns the
     * {@code [B, H, L, d]} heads. With no dropout this is the fused op {@link AttentionOps#selfAttention}, whose
     * backward writes one packed gradient; otherwise qkv is chunked and goes through {@link #attend}.
     */
    public static Variable attendPacked(Variable qkv, int heads, float dropoutP, long seed, Tensor... masks) {
        if (dropoutP > 0) {
            List<Variable> parts = JoinOps.chunk(qkv, 3, -1);
            return attend(splitHeads(parts.get(0), heads), splitHeads(parts.get(1), heads),
                    splitHeads(parts.get(2), heads), dropoutP, seed, masks);
        }
        float scale = (float) (1 / Math.sqrt(qkv.size(2) / 3 / heads));
        return AttentionOps.selfAttention(qkv, heads, combined(masks), scale);
    }

    /** One mask with the effect of all of {@code masks} (nulls skipped): a BOOL mask alone, else their additive sum. */
    private static Tensor combined(Tensor... masks) {
        Tensor result = null;
        for (Tensor mask : masks) {
            if (mask == null) {
                continue;
            }
            if (result == null) {
                result = mask;
                continue;
            }
            result = Elementwise.add(additive(result), additive(mask));
        }
        return result;
    }

    private static Tensor additive(Tensor mask) {
        return mask.dtype() == DType.BOOL
                ? Elementwise.where(mask, Tensor.scalar(Float.NEGATIVE_INFINITY), Tensor.scalar(0f))
                : mask;
    }

    private static Variable applyMask(Variable scores, Tensor mask) {
        if (mask == null) {
            return scores;
        }
        return mask.dtype() == DType.BOOL
                ? MathOps.maskedFill(scores, mask, Float.NEGATIVE_INFINITY)
                : MathOps.add(scores, Variable.constant(mask));
    }

    /** {@code [B, L, H·d]} → {@code [B, H, L, d]} (a view). */
    public static Variable splitHeads(Variable x, int heads) {
        int[] s = x.shape();
        return ShapeOps.permute(ShapeOps.reshape(x, s[0], s[1], heads, s[2] / heads), 0, 2, 1, 3);
    }

    /** {@code [B, H, L, d]} → {@code [B, L, H·d]} (a copy: the permuted layout is not viewable). */
    public static Variable mergeHeads(Variable x) {
        int[] s = x.shape();
        return ShapeOps.reshape(ShapeOps.permute(x, 0, 2, 1, 3), s[0], s[2], s[1] * s[3]);
    }

    /**
     * The causal mask for {@code lq} queries over {@code lk} keys: BOOL {@code [lq, lk]}, true (masked) where
     * key j lies after query i, i.e. j &gt; i (as {@code torch.triu(ones, diagonal=1)}).
     */
    public static Tensor causalMask(int lq, int lk) {
        boolean[] masked = new boolean[lq * lk];
        for (int i = 0; i < lq; i++) {
            for (int j = i + 1; j < lk; j++) {
                masked[i * lk + j] = true;
            }
        }
        return Tensor.fromBooleans(masked, lq, lk);
    }
}
