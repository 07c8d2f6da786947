package dev.cortado.models.tokenizers;

import dev.cortado.tensor.Tensor;

import java.util.List;

/**
 * Encodings of equal length (a padded batch) as the three INT64 {@code [N, L]} tensors a BERT-style model
 * takes: token ids, token type ids and the attention mask (1 = token, 0 = padding).
 */
public record EncodedBatch(Tensor ids, Tensor typeIds, Tensor attentionMask) {
    /** Stacks {@code encodings}, which must all have the same length (pad them first). */
    public static EncodedBatch of(List<Encoding> encodings) {
        if (encodings.isEmpty()) {
            throw new IllegalArgumentException("EncodedBatch: no encodings");
        }
        int rows = encodings.size();
        int length = encodings.get(0).length();
        long[] ids = new long[rows * length];
        long[] types = new long[rows * length];
        long[] mask = new long[rows * length];
        for (int b = 0; b < rows; b++) {
            Encoding encoding = encodings.get(b);
            if (encoding.length() != length) {
                throw new IllegalArgumentException("EncodedBatch: encoding " + b + " has " + encoding.length()
                        + " tokens, encoding 0 has " + length + " (pad the batch first)");
            }
            for (int t = 0; t < length; t++) {
                ids[b * length + t] = encoding.ids()[t];
                types[b * length + t] = encoding.typeIds()[t];
                mask[b * length + t] = encoding.attentionMask()[t];
            }
        }
        return new EncodedBatch(Tensor.fromLongs(ids, rows, length), Tensor.fromLongs(types, rows, length),
                Tensor.fromLongs(mask, rows, length));
    }
}
