package dev.cortado.models.tokenizers;

/**
 * One tokenized input, ready for a model: equal-length arrays of token ids, token type (segment) ids and the
 * attention mask (1 for a real token, 0 for padding).
 */
public record Encoding(int[] ids, int[] typeIds, int[] attentionMask) {

    public Encoding {
        if (typeIds.length != ids.length || attentionMask.length != ids.length) {
            throw new IllegalArgumentException("Encoding: ids " + ids.length + ", typeIds " + typeIds.length
                    + " and attentionMask " + attentionMask.length + " differ in length");
        }
    }

    public int length() {
        return ids.length;
    }
}
