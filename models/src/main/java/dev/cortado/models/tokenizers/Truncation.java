package dev.cortado.models.tokenizers;

import java.util.Arrays;

/**
 * Truncation to at most {@code maxLength} tokens, special tokens included: the sequences are cut before the
 * special tokens are added, so {@code [SEP]} or {@code <|endoftext|>} always survives.
 *
 * @param maxLength the longest allowed encoding
 * @param strategy  which sequence of a pair loses tokens
 * @param fromLeft  cut tokens at the start instead of the end
 */
public record Truncation(int maxLength, Strategy strategy, boolean fromLeft) {

    /** Hugging Face's truncation strategies. */
    public enum Strategy { LONGEST_FIRST, ONLY_FIRST, ONLY_SECOND }

    public Truncation {
        if (maxLength < 0) {
            throw new IllegalArgumentException("Truncation: maxLength " + maxLength + " < 0");
        }
    }

    /** Keeps at most {@code maxLength} tokens, the longest first for pairs, cutting at the end. */
    public static Truncation of(int maxLength) {
        return new Truncation(maxLength, Strategy.LONGEST_FIRST, false);
    }

    /**
     * Cuts {@code a} (and {@code b}, null for a single sequence) so that together they hold at most
     * {@code budget} tokens. For a pair under LONGEST_FIRST the shorter one, of length s, is kept whole
     * while it fits: the lengths become (s, budget − s), or budget/2 and budget − budget/2 when both are long.
     * Returns {a, b}.
     */
    int[][] apply(int[] a, int[] b, int budget) {
        if (b == null) {
            return new int[][] {cut(a, budget), null};
        }
        if (a.length + b.length <= budget) {
            return new int[][] {a, b};
        }
        return switch (strategy) {
            case ONLY_FIRST -> new int[][] {cut(a, Math.max(0, budget - b.length)), b};
            case ONLY_SECOND -> new int[][] {a, cut(b, Math.max(0, budget - a.length))};
            case LONGEST_FIRST -> {
                int shorter = Math.min(a.length, b.length);
                int longer = shorter > budget ? shorter : Math.max(shorter, budget - shorter);
                if (shorter + longer > budget) {
                    shorter = budget / 2;
                    longer = shorter + budget % 2;
                }
                boolean aIsShorter = a.length <= b.length;
                yield new int[][] {cut(a, aIsShorter ? shorter : longer), cut(b, aIsShorter ? longer : shorter)};
            }
        };
    }

    private int[] cut(int[] ids, int length) {
        if (ids.length <= length) {
            return ids;
        }
        return fromLeft ? Arrays.copyOfRange(ids, ids.length - length, ids.length) : Arrays.copyOf(ids, length);
    }
}
