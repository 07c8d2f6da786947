package dev.cortado.models.tokenizers;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text that a regular expression from a tokenizer file may read only so many times: Java's regex engine
 * backtracks, and a pattern such as {@code (a|aa)+$} takes exponential time on some texts, so a hostile or
 * broken tokenizer.json could hang every {@code encode}. The engine reads its input through
 * {@link #charAt}, so counting those reads bounds the work. A text of n characters may be read
 * n² + {@value #READS_PER_CHAR}·n + {@value #BASE_READS} times: ordinary patterns read each character a few
 * times, and one that backtracks over every pair of characters (such as {@code \s+(?!\S)} on a run of
 * spaces) still fits, while exponential backtracking exceeds it within a few dozen characters.
 */
final class BoundedText implements CharSequence {
    private static final int READS_PER_CHAR = 1_000;
    private static final long BASE_READS = 1_000_000;

    private final String text;
    private final Pattern pattern;
    private final long budget;
    private long reads;

    private BoundedText(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
        long n = text.length();
        this.budget = n * n + READS_PER_CHAR * n + BASE_READS;
    }

    /** A matcher of {@code pattern} over {@code text} that throws once it has read the text too often. */
    static Matcher matcher(Pattern pattern, String text) {
        return pattern.matcher(new BoundedText(text, pattern));
    }

    /**
     * @throws IllegalArgumentException when the pattern has read more characters than the budget allows
     */
    @Override
    public char charAt(int index) {
        if (++reads > budget) {
            throw new IllegalArgumentException("tokenizer: the pattern '" + pattern.pattern() + "' read more than "
                    + budget + " characters of a " + text.length() + "-character text (catastrophic backtracking)");
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.substring(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
