package dev.cortado.models.tokenizers;

import java.util.ArrayList;
import java.util.List;

/**
 * The second step of tokenization: normalized text in, words out (Hugging Face's {@code pre_tokenizer}).
 * The model then splits each word into tokens on its own, so no token ever spans two words.
 */
@FunctionalInterface
public interface PreTokenizer {

    /** Appends the words of {@code text} to {@code words}. */
    void split(String text, List<String> words);

    /** The whole text is one word (a file whose {@code pre_tokenizer} is {@code null}). */
    static PreTokenizer identity() {
        return (text, words) -> {
            if (!text.isEmpty()) {
                words.add(text);
            }
        };
    }

    /** Applies {@code steps} in order, each to every word the previous one made. */
    static PreTokenizer sequence(List<PreTokenizer> steps) {
        List<PreTokenizer> copy = List.copyOf(steps);
        return (text, words) -> {
            List<String> current = List.of(text);
            for (PreTokenizer step : copy) {
                List<String> next = new ArrayList<>();
                for (String word : current) {
                    step.split(word, next);
                }
                current = next;
            }
            words.addAll(current);
        };
    }
}
