package dev.cortado.models.tokenizers;

import java.text.Normalizer.Form;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The first step of tokenization: text in, cleaned text out (Hugging Face's {@code normalizer}).
 * The factories here are the generic normalizers of a {@code tokenizer.json}; {@link BertNormalizer} is BERT's.
 */
@FunctionalInterface
public interface Normalizer {

    String normalize(String text);

    /** Leaves the text as it is (a file whose {@code normalizer} is {@code null}). */
    static Normalizer identity() {
        return text -> text;
    }

    /** Unicode normalization to {@code form} (NFC, NFD, NFKC, NFKD). */
    static Normalizer unicode(Form form) {
        return text -> java.text.Normalizer.normalize(text, form);
    }

    /**
     * Lowercases code point by code point with the full Unicode mapping (İ becomes i + U+0307) and, like
     * Hugging Face, without the context rule that turns a word-final Σ into ς: Σ always becomes σ.
     */
    static Normalizer lowercase() {
        return text -> text.replace('\u03A3', '\u03C3').toLowerCase(Locale.ROOT);
    }

    /** Replaces every match of {@code pattern} by {@code content}, literally (see {@link BoundedText}). */
    static Normalizer replace(Pattern pattern, String content) {
        String literal = java.util.regex.Matcher.quoteReplacement(content);
        return text -> BoundedText.matcher(pattern, text).replaceAll(literal);
    }

    /** Applies {@code steps} in order. */
    static Normalizer sequence(List<Normalizer> steps) {
        List<Normalizer> copy = List.copyOf(steps);
        return text -> {
            String result = text;
            for (Normalizer step : copy) {
                result = step.normalize(result);
            }
            return result;
        };
    }
}
