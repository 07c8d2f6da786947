package dev.cortado.models.bert;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a BERT-style encoder's last hidden states {@code [B, L, hidden]} become L2-normalised sentence
 * embeddings {@code [B, hidden]}: the {@link #MEAN} over the attention mask (sentence-transformers'
 * all-MiniLM-L6-v2), or the {@link #CLS} token's state (bge-small).
 * <pre>{@code
 * Variable sentences = Pooling.named("cls").apply(bert.forward(ids, typeIds, mask), mask);
 * }</pre>
 */
public enum Pooling {
    /** {@link BertModel#meanPool}: the mean of the token states where the mask is 1. */
    MEAN,
    /** {@link BertModel#clsPool}: the first token's state (the mask is not needed). */
    CLS;

    /** The pooled, L2-normalised embeddings {@code [B, hidden]} of {@code hidden} {@code [B, L, hidden]}. */
    public Variable apply(Variable hidden, Tensor attentionMask) {
        return switch (this) {
            case MEAN -> BertModel.meanPool(hidden, attentionMask);
            case CLS -> BertModel.clsPool(hidden);
        };
    }

    /** The lower-case name used on command lines: {@code mean}, {@code cls}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The pooling with the given {@link #label() label}.
     *
     * @throws IllegalArgumentException naming the bad value and listing the choices
     */
    public static Pooling named(String label) {
        for (Pooling pooling : values()) {
            if (pooling.label().equals(label)) {
                return pooling;
            }
        }
        throw new IllegalArgumentException("pooling '" + label + "' is not one of " + choices());
    }

    /** The labels joined by {@code |}: {@code mean|cls}. */
    public static String choices() {
        return Arrays.stream(values()).map(Pooling::label).collect(Collectors.joining("|"));
    }
}
