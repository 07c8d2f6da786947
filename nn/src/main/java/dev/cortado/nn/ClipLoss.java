package dev.cortado.nn;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Tensor;

/**
 * CLIP's symmetric contrastive loss with its learnable temperature: the parameter {@code logit_scale}
 * (a scalar, initialised to ln(1/0.07) as in CLIP) and {@link Losses#clipContrastive}.
 *
 * <pre>{@code
 * ClipLoss loss = new ClipLoss();
 * Variable l = loss.forward(normalise(imageEmbeddings), normalise(textEmbeddings));   // both [N, D]
 * }</pre>
 */
public class ClipLoss extends Module {
    /** ln(1/0.07), CLIP's initial log-scale (temperature 0.07). */
    public static final float INITIAL_LOG_SCALE = (float) Math.log(1 / 0.07);

    private final Variable logitScale;

    public ClipLoss() {
        this(INITIAL_LOG_SCALE);
    }

    public ClipLoss(float initialLogScale) {
        this.logitScale = registerParameter("logit_scale", Tensor.scalar(initialLogScale));
    }

    /** The loss for matching rows of {@code image} and {@code text} embeddings {@code [N, D]}. */
    public Variable forward(Variable image, Variable text) {
        checkInput("image embeddings", image, -1, -1);
        checkInput("text embeddings", text, image.size(0), image.size(1));
        return Losses.clipContrastive(image, text, logitScale);
    }

    public Variable logitScale() {
        return logitScale;
    }
}
