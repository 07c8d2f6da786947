package dev.cortado.nn;

import dev.cortado.autograd.IndexOps;
import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.SoftmaxOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.CompareOp;

import java.util.Arrays;

/**
 * Loss functions as compositions of autograd ops (their gradients come from the primitives), with
 * PyTorch's definitions and defaults ({@code torch.nn.functional}).
 *
 * <pre>{@code
 * Variable loss = Losses.crossEntropy(model.forward(x), labels);   // logits [N, C], labels INT64 [N]
 * loss.backward();
 * }</pre>
 */
public final class Losses {
    /** The ignore index PyTorch uses by default. */
    public static final long IGNORE_INDEX = -100;
    /** The cap on CLIP's logit scale e^s. */
    public static final float MAX_LOGIT_SCALE = 100;
    private static final int[] ROWS = {1};

    private Losses() {
    }

    /** How per-element losses become the result: kept as they are, averaged, or summed. */
    public enum Reduction { NONE, MEAN, SUM }

    private static Variable reduce(Variable perElement, Reduction reduction) {
        return switch (reduction) {
            case NONE -> perElement;
            case MEAN -> ReductionOps.mean(perElement);
            case SUM -> ReductionOps.sum(perElement);
        };
    }

    /** Mean cross-entropy with no smoothing and ignore index -100; see the full form. */
    public static Variable crossEntropy(Variable logits, Tensor target) {
        return crossEntropy(logits, target, Reduction.MEAN, 0, IGNORE_INDEX);
    }

    /**
     * Cross-entropy of logits {@code [N, C]} against class indices {@code target} (INT64 {@code [N]}), as
     * {@code F.cross_entropy}: with p = log_softmax(logits) and smoothing ε,
     * ℓᵢ = (1 − ε)·(−p[i, tᵢ]) + ε/C·Σ_c −p[i, c]; samples whose target is {@code ignoreIndex} get ℓᵢ = 0
     * and no gradient, and MEAN divides by the number of the other samples (NaN when there are none,
     * as in PyTorch). NONE gives {@code [N]}.
     */
    public static Variable crossEntropy(Variable logits, Tensor target, Reduction reduction, float labelSmoothing,
                                        long ignoreIndex) {
        if (logits.dim() != 2 || target.dtype() != DType.INT64 || target.dim() != 1 || target.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("crossEntropy: expected logits [N, C] and INT64 target [N], got logits "
                    + Arrays.toString(logits.shape()) + " and " + target.dtype() + " target " + Arrays.toString(target.shape()));
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        int n = logits.size(0);
        int classes = logits.size(1);
        long[] labels = target.toLongArray();
        long[] index = new long[n];
        float[] keep = new float[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] == ignoreIndex) {
                continue; // index 0 is a placeholder; keep = 0 removes the sample and its gradient
            }
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("crossEntropy: target " + labels[i] + " at " + i
                        + " is not a class in [0, " + classes + ") nor the ignore index " + ignoreIndex);
            }
            index[i] = labels[i];
            keep[i] = 1;
            kept++;
        }
        Variable logProbs = SoftmaxOps.logSoftmax(logits, 1);
        Variable picked = ShapeOps.reshape(IndexOps.gather(logProbs, 1, Tensor.fromLongs(index, n, 1)), n);
        Variable perSample = MathOps.neg(picked);
        if (labelSmoothing > 0) {
            Variable uniform = ReductionOps.sum(logProbs, ROWS, false);
            perSample = MathOps.add(MathOps.mul(perSample, 1 - labelSmoothing), MathOps.mul(uniform, -labelSmoothing / classes));
        }
        perSample = MathOps.mul(perSample, Variable.constant(Tensor.fromArray(keep, n)));
        return switch (reduction) {
            case NONE -> perSample;
            case SUM -> ReductionOps.sum(perSample);
            case MEAN -> MathOps.mul(ReductionOps.sum(perSample), 1f / kept);
        };
    }

    /**
     * Binary cross-entropy on logits x against targets y in [0, 1] (same shape), as
     * {@code F.binary_cross_entropy_with_logits}: ℓ = −[w·y·log σ(x) + (1 − y)·log(1 − σ(x))]
     * = (1 + (w − 1)·y)·softplus(x) − w·y·x, with the positive-class weight w = {@code posWeight}
     * (broadcast along the last dim; {@code null} for 1). Stable for any x: softplus is a log-sum-exp
     * (see {@link Functional#softplus}), never log(σ(x)). A target outside [0, 1] (or NaN), or a
     * {@code posWeight} that does not broadcast to the logits' shape, is refused.
     */
    public static Variable binaryCrossEntropyWithLogits(Variable logits, Tensor target, Tensor posWeight,
                                                        Reduction reduction) {
        if (!Arrays.equals(logits.shape(), target.shape())) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: logits " + Arrays.toString(logits.shape())
                    + " and target " + Arrays.toString(target.shape()) + " must have the same shape");
        }
        Tensor y = target.dtype() == DType.FLOAT32 ? target : target.to(DType.FLOAT32);
        float[] values = y.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0 && values[i] <= 1)) {
                throw new IllegalArgumentException("binaryCrossEntropyWithLogits: target " + values[i] + " at flat index "
                        + i + " is not a probability in [0, 1] (target " + Arrays.toString(target.shape()) + ")");
            }
        }
        if (posWeight != null) {
            requireBroadcastsTo(posWeight.shape(), logits.shape());
        }
        Variable softplus = Functional.softplus(logits);
        Variable loss;
        if (posWeight == null) {
            loss = MathOps.sub(softplus, MathOps.mul(logits, Variable.constant(y)));
        } else {
            Tensor weightedY = Elementwise.mul(y, posWeight);
            Tensor softplusWeight = Elementwise.add(Elementwise.sub(weightedY, y), 1f);
            loss = MathOps.sub(MathOps.mul(softplus, Variable.constant(softplusWeight)),
                    MathOps.mul(logits, Variable.constant(weightedY)));
        }
        return reduce(loss, reduction);
    }

    /** Refuses a pos weight that does not broadcast to exactly the logits' shape. */
    private static void requireBroadcastsTo(int[] posWeight, int[] logits) {
        boolean broadcasts;
        try {
            broadcasts = Arrays.equals(Shapes.broadcast("binaryCrossEntropyWithLogits", posWeight, logits), logits);
        } catch (IllegalArgumentException e) {
            broadcasts = false;
        }
        if (!broadcasts) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: pos weight " + Arrays.toString(posWeight)
                    + " must broadcast to logits " + Arrays.toString(logits));
        }
    }

    /** Squared error (x − y)², reduced; x and y must have the same shape (both may carry gradients). */
    public static Variable mse(Variable input, Variable target, Reduction reduction) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("mse: input " + Arrays.toString(input.shape()) + " and target "
                    + Arrays.toString(target.shape()) + " must have the same shape");
        }
        Variable diff = MathOps.sub(input, target);
        return reduce(MathOps.mul(diff, diff), reduction);
    }

    /**
     * CLIP's symmetric contrastive (InfoNCE) loss for N matching pairs: logits = min(e^s, 100)·I·Tᵀ
     * {@code [N, N]} for image embeddings I and text embeddings T {@code [N, D]} (normalise them first)
     * and the learnable log-scale s (one element); pair i is the right class for row i and for column i, so
     * loss = (CE(logits, diag) + CE(logitsᵀ, diag)) / 2. Where e^s exceeds 100 the cap holds and s gets
     * no gradient.
     */
    public static Variable clipContrastive(Variable image, Variable text, Variable logScale) {
        if (image.dim() != 2 || !Arrays.equals(image.shape(), text.shape()) || logScale.data().numel() != 1) {
            throw new IllegalArgumentException("clipContrastive: expected image and text embeddings [N, D] and a "
                    + "one-element log scale, got " + Arrays.toString(image.shape()) + ", " + Arrays.toString(text.shape())
                    + " and " + Arrays.toString(logScale.shape()));
        }
        int n = image.size(0);
        Variable scale = MathOps.clamp(MathOps.exp(ShapeOps.reshape(logScale)), Float.NEGATIVE_INFINITY, MAX_LOGIT_SCALE);
        Variable logits = MathOps.mul(LinalgOps.matmul(image, ShapeOps.transpose(text, 0, 1)), scale);
        long[] diagonal = new long[n];
        Arrays.setAll(diagonal, i -> i);
        Tensor labels = Tensor.fromLongs(diagonal, n);
        Variable imageToText = crossEntropy(logits, labels);
        Variable textToImage = crossEntropy(ShapeOps.transpose(logits, 0, 1), labels);
        return MathOps.mul(MathOps.add(imageToText, textToImage), 0.5f);
    }

    /**
     * Cosine embedding loss for pairs of rows x1, x2 {@code [N, D]} with targets y ∈ {1, −1} {@code [N]},
     * as {@code F.cosine_embedding_loss}: ℓᵢ = 1 − cos(x1ᵢ, x2ᵢ) where y = 1 and max(0, cos − margin) where
     * y = −1, with cos = x1·x2 / √((|x1|² + 1e-12)(|x2|² + 1e-12)).
     */
    public static Variable cosineEmbedding(Variable x1, Variable x2, Tensor target, float margin, Reduction reduction) {
        if (x1.dim() != 2 || !Arrays.equals(x1.shape(), x2.shape()) || target.dim() != 1
                || target.size(0) != x1.size(0)) {
            throw new IllegalArgumentException("cosineEmbedding: expected x1, x2 [N, D] and target [N], got "
                    + Arrays.toString(x1.shape()) + ", " + Arrays.toString(x2.shape()) + " and "
                    + Arrays.toString(target.shape()));
        }
        Tensor y = target.to(DType.FLOAT32);
        for (float v : y.toFloatArray()) {
            if (v != 1 && v != -1) {
                throw new IllegalArgumentException("cosineEmbedding: targets must be 1 or -1, got " + v);
            }
        }
        final float eps = 1e-12f;
        Variable dot = ReductionOps.sum(MathOps.mul(x1, x2), ROWS, false);
        Variable norms1 = MathOps.add(ReductionOps.sum(MathOps.mul(x1, x1), ROWS, false), eps);
        Variable norms2 = MathOps.add(ReductionOps.sum(MathOps.mul(x2, x2), ROWS, false), eps);
        Variable cos = MathOps.div(dot, MathOps.sqrt(MathOps.mul(norms1, norms2)));
        Variable similar = MathOps.add(MathOps.neg(cos), 1f);
        // clamp (not relu) so that cos = margin passes the gradient, as PyTorch's clamp_min does.
        Variable dissimilar = MathOps.clamp(MathOps.add(cos, -margin), 0f, Float.POSITIVE_INFINITY);
        Tensor isSimilar = Elementwise.compare(CompareOp.GT, y, 0f);
        return reduce(MathOps.where(isSimilar, similar, dissimilar), reduction);
    }
}
