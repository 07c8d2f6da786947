package dev.cortado.models.clip;

import dev.cortado.autograd.Variable;
import java.util.List;

/**
 * The text tower of a dual encoder: texts in, one feature row per text out. Implementations are
 * {@link dev.cortado.nn.Module}s ({@link BertTextEncoder}, {@link TextTransformer}), so their parameters
 * have state-dict keys and can be frozen or LoRA-wrapped; {@link ClipModel} registers one as {@code text}.
 * <pre>{@code
 * TextEncoder text = BertTextEncoder.miniLm();
 * Variable features = text.encode(List.of("a photo of a shirt.", "a photo of a bag."));   // [2, 384]
 * }</pre>
 */
public interface TextEncoder {
    /**
     * Features {@code [N, width()]} for N texts (N ≥ 1), in order; differentiable with respect to the
     * encoder's parameters when gradients are enabled.
     */
    Variable encode(List<String> texts);

    /** The feature width D of {@link #encode}. */
    int width();
}
