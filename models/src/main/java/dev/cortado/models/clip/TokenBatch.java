package dev.cortado.models.clip;

import dev.cortado.models.tokenizers.Encoding;
import dev.cortado.models.tokenizers.Padding;
import dev.cortado.models.tokenizers.Tokenizer;
import dev.cortado.models.tokenizers.Truncation;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.CompareOp;
import java.util.List;

/**
 * Texts tokenized into one batch padded on the right to its longest encoding: token ids, type ids and
 * attention mask (1 = token, 0 = padding), each INT64 {@code [N, L]}.
 */
record TokenBatch(Tensor ids, Tensor typeIds, Tensor mask) {

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
    static TokenBatch encode(Tokenizer tokenizer, List<String> texts, String who) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException(who + ": no texts to encode");
        }
        List<Encoding> encodings = tokenizer.encodeBatch(texts);
        int rows = encodings.size();
        int length = encodings.get(0).length();
        long[] ids = new long[rows * length];
        long[] types = new long[rows * length];
        long[] mask = new long[rows * length];
        for (int b = 0; b < rows; b++) {
            Encoding encoding = encodings.get(b);
            for (int t = 0; t < length; t++) {
                ids[b * length + t] = encoding.ids()[t];
                types[b * length + t] = encoding.typeIds()[t];
                mask[b * length + t] = encoding.attentionMask()[t];
            }
        }
        return new TokenBatch(Tensor.fromLongs(ids, rows, length), Tensor.fromLongs(types, rows, length),
                Tensor.fromLongs(mask, rows, length));
    }

    /** BOOL {@code [N, L]}, true where the attention mask is 0: the key-padding mask attention takes. */
    static Tensor keyPadding(Tensor attentionMask) {
        return Elementwise.compare(CompareOp.EQ, attentionMask.to(DType.FLOAT32), 0f);
    }
}
