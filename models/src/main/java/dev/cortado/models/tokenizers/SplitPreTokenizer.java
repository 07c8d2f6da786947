package dev.cortado.models.tokenizers;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face's {@code Split} pre-tokenizer: cuts the text at the matches of a pattern. The matches are the
 * delimiters, or with {@code invert} the words themselves (CLIP keeps only the matches of its split pattern).
 * Delimiters are dropped ({@code Removed}) or kept as words of their own ({@code Isolated}); empty pieces never
 * become words.
 *
 * @param pattern        the pattern, compiled with Unicode character classes ({@code \s} is Unicode white space)
 * @param keepDelimiters {@code Isolated} when true, {@code Removed} when false
 * @param invert         when true, the non-matching stretches are the delimiters
 */
public record SplitPreTokenizer(Pattern pattern, boolean keepDelimiters, boolean invert) implements PreTokenizer {

    @Override
    public void split(String text, List<String> words) {
        Matcher matcher = BoundedText.matcher(pattern, text);
        int last = 0;
        while (matcher.find()) {
            if (matcher.end() == matcher.start()) {
                continue; // an empty match cuts nothing
            }
            add(text.substring(last, matcher.start()), invert, words);
            add(matcher.group(), !invert, words);
            last = matcher.end();
        }
        add(text.substring(last), invert, words);
    }

    private void add(String piece, boolean delimiter, List<String> words) {
        if (!piece.isEmpty() && (!delimiter || keepDelimiters)) {
            words.add(piece);
        }
    }
}
