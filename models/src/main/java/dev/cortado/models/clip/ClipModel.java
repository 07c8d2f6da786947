package dev.cortado.models.clip;

import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.ClipLoss;
import dev.cortado.nn.Init;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Losses;
import dev.cortado.nn.Module;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A CLIP-style dual encoder (Radford et al. 2021): an image tower and a text tower, each followed by a
 * linear projection without bias into a shared space of {@code embedDim}, and a learnable log-scale s:
 * <pre>
 *   I = normalize(image_projection(vision(images)))     [B, E]
 *   T = normalize(text_projection(text(texts)))         [N, E]
 *   logits = min(e^s, 100)·I·Tᵀ                         [B, N]
 * </pre>
 * Keys: {@code vision.*}, {@code text.*}, {@code image_projection.weight [E, visionWidth]},
 * {@code text_projection.weight [E, textWidth]}, {@code logit_scale []} (initialised to ln(1/0.07),
 * {@link ClipLoss#INITIAL_LOG_SCALE}).
 * <pre>{@code
 * var clip = new ClipModel(new VisionTransformer(vitConfig), BertTextEncoder.miniLm(), 256, seed);
 * clip.freeze("text");                            // or LoRA.apply(clip, BertTextEncoder.LORA_QUERY_VALUE, ...)
 * Variable classText = ZeroShotClassifier.classEmbeddings(clip, classNames, templates);   // [C, E]
 * Variable loss = clip.classContrastiveLoss(images, labels, classText);
 * }</pre>
 * A {@link VisionTransformer} image tower is used through {@link VisionTransformer#features} (the
 * normalised class token); its classification head is unused, so the constructor freezes
 * {@code vision.head} to keep it out of the trainable parameters.
 */
public class ClipModel extends Module {
    private final UnaryOperator<Variable> imageFeatures;
    private final int visionWidth;
    private final TextEncoder text;
    private final Linear imageProjection;
    private final Linear textProjection;
    private final Variable logitScale;

    /** A ViT image tower (through its features, {@code [B, width]}) and a text tower. */
    public <T extends Module & TextEncoder> ClipModel(VisionTransformer vision, T text, int embedDim, long seed) {
        this(vision, vision::features, vision.config().width(), text, embedDim, seed);
        freeze("vision.head");
    }

    /** Any image tower whose {@code forward} maps images to features {@code [B, visionWidth]}. */
    public <T extends Module & TextEncoder> ClipModel(Module vision, int visionWidth, T text, int embedDim, long seed) {
        this(vision, vision::forward, visionWidth, text, embedDim, seed);
    }

    private <T extends Module & TextEncoder> ClipModel(Module vision, UnaryOperator<Variable> imageFeatures,
                                                       int visionWidth, T text, int embedDim, long seed) {
        if (visionWidth < 1 || embedDim < 1) {
            throw new IllegalArgumentException("ClipModel: vision width (" + visionWidth + ") and embedding dim ("
                    + embedDim + ") must be positive");
        }
        this.imageFeatures = imageFeatures;
        this.visionWidth = visionWidth;
        this.text = text;
        registerModule("vision", vision);
        registerModule("text", text);
        imageProjection = registerModule("image_projection", new Linear(visionWidth, embedDim, false, Init.derive(seed, 0)));
        textProjection = registerModule("text_projection", new Linear(text.width(), embedDim, false, Init.derive(seed, 1)));
        logitScale = registerParameter("logit_scale", Tensor.scalar(ClipLoss.INITIAL_LOG_SCALE));
    }

    /** Unit-norm image embeddings {@code [B, E]}. */
    public Variable encodeImages(Variable images) {
        Variable features = imageFeatures.apply(images);
        checkInput("image features", features, images.size(0), visionWidth);
        return ClipLosses.normalize(imageProjection.forward(features));
    }

    /**
     * Unit-norm text embeddings {@code [N, E]}, one text-tower batch. Encode each distinct text once: for
     * class captions see {@link ZeroShotClassifier#classEmbeddings} and {@link ZeroShotClassifier#byLabel}.
     */
    public Variable encodeTexts(List<String> texts) {
        return embedTextFeatures(text.encode(texts));
    }

    /**
     * Unit-norm text embeddings {@code [N, E]} from text-tower outputs {@code [N, textWidth]}: the projection
     * half of {@link #encodeTexts}. With a frozen text tower, a caller encodes fixed captions once and projects
     * the stored features at every step, so only the projection is recomputed and trained.
     */
    public Variable embedTextFeatures(Variable textFeatures) {
        checkInput("text features", textFeatures, textFeatures.size(0), text.width());
        return ClipLosses.normalize(textProjection.forward(textFeatures));
    }

    /** min(e^s, 100)·I·Tᵀ {@code [B, N]} for B images and N texts. */
    public Variable logits(Variable images, List<String> texts) {
        return logits(encodeImages(images), encodeTexts(texts));
    }

    /** min(e^s, 100)·I·Tᵀ for embeddings from {@link #encodeImages} and {@link #encodeTexts}. */
    public Variable logits(Variable imageEmbeddings, Variable textEmbeddings) {
        return ClipLosses.scaledSimilarity(imageEmbeddings, textEmbeddings, logitScale);
    }

    /** Retrieval scores: the cosine similarities I·Tᵀ {@code [N, M]} of unit-norm embeddings (no scale). */
    public static Variable similarity(Variable imageEmbeddings, Variable textEmbeddings) {
        return LinalgOps.matmul(imageEmbeddings, ShapeOps.transpose(textEmbeddings, 0, 1));
    }

    /** CLIP's symmetric loss for B images and their B captions ({@link Losses#clipContrastive}). */
    public Variable contrastiveLoss(Variable images, List<String> captions) {
        if (captions.size() != images.size(0)) {
            throw new IllegalArgumentException(path() + " (ClipModel): " + images.size(0) + " images but "
                    + captions.size() + " captions");
        }
        return Losses.clipContrastive(encodeImages(images), encodeTexts(captions), logitScale);
    }

    /**
     * The loss for class-captioned images ({@link ClipLosses#classContrastive}): images {@code [B, ...]},
     * labels INT64 {@code [B]}, and the C class captions' embeddings {@code [C, E]} from this model's
     * {@link #encodeTexts} (differentiable when the text tower trains).
     */
    public Variable classContrastiveLoss(Variable images, Tensor labels, Variable classTextEmbeddings) {
        return ClipLosses.classContrastive(encodeImages(images), labels, classTextEmbeddings, logitScale);
    }

    /** The learnable log-scale s, a scalar parameter. */
    public Variable logitScale() {
        return logitScale;
    }

    public TextEncoder textEncoder() {
        return text;
    }

    public int embedDim() {
        return imageProjection.outFeatures();
    }
}
