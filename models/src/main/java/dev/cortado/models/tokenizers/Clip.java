package dev.cortado.models.tokenizers;

import java.io.IOException;
import java.nio.file.Path;

/**
 * CLIP's text input: its byte-level BPE {@code tokenizer.json} with the fixed context of 77 tokens that CLIP's
 * text encoder takes. Longer captions are cut before {@code <|endoftext|>} is appended, so every row ends its
 * text with the end token; shorter ones are padded with the end token's id, as Hugging Face's
 * {@code CLIPTokenizer} does for the OpenAI releases (their pad token is {@code <|endoftext|>}); OpenAI's own
 * {@code clip.tokenize} pads with 0 instead. Either way the model finds the end of the text as the first
 * position of the largest id (the end token has the largest id), and the attention mask marks the padding.
 */
public final class Clip {

    /** The number of token positions of CLIP's text encoder. */
    public static final int CONTEXT_LENGTH = 77;

    /** The end-of-text token, also the padding token. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private Clip() {
    }

    /** Loads a CLIP tokenizer.json set up for the 77-token context, padding with the end token's id. */
    public static Tokenizer load(Path file) throws IOException {
        Tokenizer tokenizer = Tokenizer.load(file);
        int[] end = tokenizer.tokenize(END_OF_TEXT);
        if (end.length != 1) {
            throw new TokenizerFormatException(file.toString(), "no added token " + END_OF_TEXT);
        }
        return tokenizer.withTruncation(Truncation.of(CONTEXT_LENGTH))
                .withPadding(Padding.fixed(CONTEXT_LENGTH, end[0]));
    }
}
