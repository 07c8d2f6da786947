package dev.cortado.models.tokenizers;

import java.io.IOException;

/**
 * A {@code tokenizer.json} that cannot be read: malformed JSON, a missing or mistyped field, or a component
 * (model, normalizer, pre-tokenizer, post-processor) this package does not implement. The message names the
 * file and the problem, e.g. {@code tokenizer.json: model.vocab: missing}.
 */
public class TokenizerFormatException extends IOException {
    public TokenizerFormatException(String file, String problem) {
        super(file + ": " + problem);
    }

    public TokenizerFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
