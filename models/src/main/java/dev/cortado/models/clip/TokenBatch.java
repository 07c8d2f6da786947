package dev.cortado.models.clip;

import dev.cortado.models.tokenizers.EncodedBatch;
import dev.cortado.models.tokenizers.Padding;
import dev.cortado.models.tokenizers.Tokenizer;
import dev.cortado.models.tokenizers.Truncation;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.CompareOp;
import java.util.List;

/**
 * Texts tokenized into one {@link EncodedBatch}, padded on the right to its longest encoding, for the text
 * towers.
 */
final class TokenBatch {
    private TokenBatch() {
    }

    /**
     * A tokenizer set up for batches: truncation to {@code maxLength} tokens (or the tokenizer's own,
     * if shorter) and padding to the longest text of each batch rather than to a fixed length.
     */
    static Tokenizer prepare(Tokenizer tokenizer, int maxLength) {
        Truncation own = tokenizer.truncation();
        Tokenizer truncated = own != null && own.maxLength() <= maxLength ? tokenizer
                : tokenizer.withTruncation(Truncation.of(maxLength));
        int padId = tokenizer.padding() == null ? 0 : tokenizer.padding().padId();
        return truncated.withPadding(Padding.longest(padId));
    }

    /** Encodes {@code texts} with a tokenizer from {@link #prepare}. */
    static EncodedBatch encode(Tokenizer tokenizer, List<String> texts, String who) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException(who + ": no texts to encode");
        }
        return EncodedBatch.of(tokenizer.encodeBatch(texts));
    }

    /** BOOL {@code [N, L]}, true where the attention mask is 0: the key-padding mask attention takes. */
    static Tensor keyPadding(Tensor attentionMask) {
        return Elementwise.compare(CompareOp.EQ, attentionMask.to(DType.FLOAT32), 0f);
    }
}
