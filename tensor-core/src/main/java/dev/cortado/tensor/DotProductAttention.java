package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import java.util.Arrays;

/**
 * Scaled dot-product attention as one op: {@code P = softmax(scale · Q·Kᵀ + mask)} along the keys and
 * {@code out = P·V}, for every batch and head, with the backend's fused kernel where it has one.
 *
 * <p>Operands are {@code [B, H, L, d]}: Q {@code [B, H, Lq, D]}, K {@code [B, H, Lk, D]}, V
 * {@code [B, H, Lk, Dv]}, any strides (the head views of a projected {@code [B, L, H·d]} tensor need no
 * copy). The output and the gradients are {@code [B, H, L, d]} views over {@code [B, L, H, d]} storage, so
 * merging the heads back into {@code [B, L, H·d]} is a free reshape.
 */
public final class DotProductAttention {
    private DotProductAttention() {
    }

    /**
     * The attended values and the attention probabilities (dense {@code [B, H, Lq, Lk]}, kept for the backward;
     * null from {@link #forward(Tensor, Tensor, Tensor, Tensor, float, boolean) forward(…, false)}).
     */
    public record Result(Tensor output, Tensor probs) {
    }

    /** The gradients with respect to Q, K and V. */
    public record Gradients(Tensor query, Tensor key, Tensor value) {
    }

    /**
     * The forward. {@code mask} is null, or FLOAT32 added to the scores, or BOOL masking the keys where true
     * (as −∞); either broadcasts to {@code [B, H, Lq, Lk]}.
     */
    public static Result forward(Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
        return forward(q, k, v, mask, scale, true);
    }

    /** The forward; without {@code keepProbs} (no backward will follow) the probabilities are not stored. */
    public static Result forward(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, boolean keepProbs) {
        checkOperands(q, k, v);
        int b = q.size(0), h = q.size(1), lq = q.size(2), lk = k.size(2);
        Tensor additive = additiveMask(mask, b, h, lq, lk);
        Tensor out = headsInterleaved(b, h, lq, v.size(3));
        Tensor probs = keepProbs ? Tensor.zeros(b, h, lq, lk) : null;
        if (lk > 0) {   // no keys: P·V is an empty sum, zeros (a fused kernel's 0/0 would give NaN)
            Backends.current().attention(q, k, v, additive, scale, out, probs);
        }
        return new Result(out, probs);
    }

    /** The backward from the forward's probabilities and the output gradient {@code [B, H, Lq, Dv]}. */
    public static Gradients backward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor gradOut, float scale) {
        checkOperands(q, k, v);
        int b = q.size(0), h = q.size(1), lq = q.size(2), lk = k.size(2);
        Gradients grads = new Gradients(headsInterleaved(b, h, lq, q.size(3)), headsInterleaved(b, h, lk, k.size(3)),
                headsInterleaved(b, h, lk, v.size(3)));
        backwardInto(q, k, v, probs, gradOut, scale, grads);
        return grads;
    }

    /**
     * The backward, written into {@code into}: three float32 tensors shaped as Q, K and V, of any strides (for
     * instance the head views of one packed {@code [B, L, 3·H·d]} gradient). Every element is overwritten.
     */
    public static void backwardInto(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor gradOut, float scale,
                                    Gradients into) {
        checkOperands(q, k, v);
        int b = q.size(0), h = q.size(1), lq = q.size(2), lk = k.size(2);
        requireShape("probabilities", probs, b, h, lq, lk);
        requireShape("output gradient", gradOut, b, h, lq, v.size(3));
        requireShape("query gradient", into.query(), q.shape());
        requireShape("key gradient", into.key(), k.shape());
        requireShape("value gradient", into.value(), v.shape());
        for (Tensor t : new Tensor[] {probs, gradOut, into.query(), into.key(), into.value()}) {
            t.requireDType("attention backward", DType.FLOAT32);
        }
        Backends.current().attentionBackward(q, k, v, probs.contiguous(), gradOut, scale, into.query(), into.key(),
                into.value());
    }

    /** A zero {@code [B, H, L, d]} tensor over {@code [B, L, H, d]} storage. */
    private static Tensor headsInterleaved(int b, int h, int length, int width) {
        return Tensor.zeros(b, length, h, width).permute(0, 2, 1, 3);
    }

    private static Tensor additiveMask(Tensor mask, int b, int h, int lq, int lk) {
        if (mask == null) {
            return null;
        }
        int[] scores = {b, h, lq, lk};
        if (mask.dim() > 4 || !Arrays.equals(Shapes.broadcast("attention mask", mask.shape(), scores), scores)) {
            throw new IllegalArgumentException("attention: mask " + Shapes.str(mask.shape())
                    + " does not broadcast to the scores " + Shapes.str(scores));
        }
        Tensor additive = switch (mask.dtype()) {
            case FLOAT32 -> mask;
            case BOOL -> Elementwise.where(mask, Tensor.scalar(Float.NEGATIVE_INFINITY), Tensor.scalar(0f));
            case INT64 -> throw new IllegalArgumentException("attention: mask must be FLOAT32 or BOOL, got INT64");
        };
        return additive.expand(scores);
    }

    private static void checkOperands(Tensor q, Tensor k, Tensor v) {
        for (Tensor t : new Tensor[] {q, k, v}) {
            t.requireDType("attention", DType.FLOAT32);
        }
        if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4) {
            throw new IllegalArgumentException("attention: query, key and value must be [B, H, L, d], got "
                    + Shapes.str(q.shape()) + ", " + Shapes.str(k.shape()) + ", " + Shapes.str(v.shape()));
        }
        boolean consistent = q.size(0) == k.size(0) && q.size(0) == v.size(0) && q.size(1) == k.size(1)
                && q.size(1) == v.size(1) && q.size(3) == k.size(3) && k.size(2) == v.size(2);
        if (!consistent) {
            throw new IllegalArgumentException("attention: query " + Shapes.str(q.shape()) + ", key "
                    + Shapes.str(k.shape()) + " and value " + Shapes.str(v.shape())
                    + " need the same batch and heads, query and key the same width, key and value the same length");
        }
    }

    private static void requireShape(String what, Tensor t, int... expected) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException("attention backward: " + what + " " + Shapes.str(t.shape())
                    + ", expected " + Shapes.str(expected));
        }
    }
}
