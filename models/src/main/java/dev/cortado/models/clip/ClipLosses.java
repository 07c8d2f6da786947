package dev.cortado.models.clip;

import dev.cortado.autograd.IndexOps;
import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.SoftmaxOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Losses;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;

/**
 * The functional side of {@link ClipModel}: normalisation, scaled cosine logits and the contrastive loss
 * for data whose captions come from a few classes. Compositions of autograd ops; gradients come from
 * the primitives.
 */
public final class ClipLosses {
    private static final float NORM_EPS = 1e-12f;

    private ClipLosses() {
    }

    /** Rows divided by their L2 norm, clamped below at 1e-12 ({@code F.normalize(x, dim=-1)}); any rank. */
    public static Variable normalize(Variable x) {
        int last = x.dim() - 1;
        Variable norm = MathOps.sqrt(ReductionOps.sum(MathOps.mul(x, x), new int[] {last}, true));
        return MathOps.div(x, ShapeOps.expand(MathOps.clamp(norm, NORM_EPS, Float.MAX_VALUE), x.shape()));
    }

    /**
     * The logit scale min(e^s, {@value Losses#MAX_LOGIT_SCALE}) for the log-scale s (one element), as
     * {@link Losses#clipContrastive} caps it: where the cap holds, s gets no gradient. A scalar {@code []}.
     */
    public static Variable logitScale(Variable logScale) {
        if (logScale.data().numel() != 1) {
            throw new IllegalArgumentException("logitScale: the log scale must have one element, got shape "
                    + Arrays.toString(logScale.shape()));
        }
        return MathOps.clamp(MathOps.exp(ShapeOps.reshape(logScale)), Float.NEGATIVE_INFINITY, Losses.MAX_LOGIT_SCALE);
    }

    /** min(e^s, 100)·A·Bᵀ {@code [N, M]} for normalised embeddings A {@code [N, D]} and B {@code [M, D]}. */
    public static Variable scaledSimilarity(Variable a, Variable b, Variable logScale) {
        checkEmbeddings("scaledSimilarity", a, b);
        return MathOps.mul(LinalgOps.matmul(a, ShapeOps.transpose(b, 0, 1)), logitScale(logScale));
    }

    /**
     * Contrastive loss for B images with class labels y against the C class captions' embeddings
     * (normalised, rows of T {@code [C, D]}). With z = min(e^s, 100)·I·Tᵀ {@code [B, C]}:
     * <ul>
     * <li>image → text: ℓ_it = −(1/B)·Σ_b log softmax_c(z[b, ·])[y_b], cross-entropy over the C captions;</li>
     * <li>text → image: ℓ_ti = −(1/B)·Σ_b log softmax_b'(z[·, y_b])[b]: each caption's softmax runs over the
     * batch's images, and every image of that class is a positive;</li>
     * <li>loss = (ℓ_it + ℓ_ti) / 2.</li>
     * </ul>
     * Why not the plain symmetric CLIP loss with one caption per image: with only C distinct captions a
     * batch repeats them, and each repeat would be pushed away from its own class's images (false
     * negatives). ℓ_ti is UniCL's text-to-image term (Yang et al. 2022, "Unified Contrastive Learning in
     * Image-Text-Label Space", eq. 3), whose positives for a caption are all images with its label, averaged
     * in log space as in SupCon (Khosla et al. 2020, L_out): UniCL averages over the batch's B captions,
     * and caption c occurs n_c times, so Σ_c (n_c/B)·(1/n_c)·Σ_{b: y_b = c} (·) is the mean over images
     * above; classes absent from the batch have no positives and appear only as image → text negatives.
     * ℓ_it uses the C distinct captions (not UniCL's B captions with repeats), so each class weighs the
     * same in the denominator whatever the batch's class counts: the zero-shot classifier's own objective.
     *
     * @param image      normalised image embeddings {@code [B, D]}
     * @param labels     INT64 {@code [B]}, each in [0, C)
     * @param classText  normalised class-caption embeddings {@code [C, D]} (may carry gradients into a text tower)
     * @param logScale   the learnable log scale s (one element)
     * @return the scalar loss
     */
    public static Variable classContrastive(Variable image, Tensor labels, Variable classText, Variable logScale) {
        checkEmbeddings("classContrastive", image, classText);
        int batch = image.size(0);
        int classes = classText.size(0);
        if (labels.dtype() != DType.INT64 || labels.dim() != 1 || labels.size(0) != batch) {
            throw new IllegalArgumentException("classContrastive: expected INT64 labels [" + batch + "], got "
                    + labels.dtype() + " " + Arrays.toString(labels.shape()));
        }
        for (long label : labels.toLongArray()) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("classContrastive: label " + label + " is not one of the "
                        + classes + " classes");
            }
        }
        Variable logits = scaledSimilarity(image, classText, logScale);                        // [B, C]
        Variable imageToText = Losses.crossEntropy(logits, labels);
        Variable perCaption = SoftmaxOps.logSoftmax(logits, 0);                               // over images
        Variable own = IndexOps.gather(perCaption, 1, labels.reshape(batch, 1));              // [B, 1]
        Variable textToImage = MathOps.neg(ReductionOps.mean(own));
        return MathOps.mul(MathOps.add(imageToText, textToImage), 0.5f);
    }

    private static void checkEmbeddings(String op, Variable a, Variable b) {
        if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(1)) {
            throw new IllegalArgumentException(op + ": expected embeddings [N, D] and [M, D], got "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
    }
}
