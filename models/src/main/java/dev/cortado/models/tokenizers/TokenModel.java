package dev.cortado.models.tokenizers;

/** The third step of tokenization: one word in, its token ids out (Hugging Face's {@code model}). */
public interface TokenModel {

    /** The token ids of {@code word}; the caller must not modify the array. */
    int[] tokenize(String word);
}
