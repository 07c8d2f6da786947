package dev.cortado.models.tokenizers;

import java.util.Map;

/**
 * WordPiece as BERT uses it: a word is cut greedily into the longest vocabulary entry from its start, then
 * the longest entry that, prefixed with {@code ##}, continues it, and so on ({@code unaffable} →
 * {@code un ##aff ##able}). A word longer than {@code maxInputCharsPerWord} code points, or one with a stretch
 * that no entry matches, becomes the single unknown token.
 *
 * @param vocab                  token → id
 * @param unknownId              the id of {@code [UNK]}
 * @param continuingPrefix       the continuation prefix, {@code ##} for BERT
 * @param maxInputCharsPerWord   longer words are unknown (100 for BERT)
 */
public record WordPiece(Map<String, Integer> vocab, int unknownId, String continuingPrefix,
                        int maxInputCharsPerWord) implements TokenModel {

    public WordPiece {
        vocab = Map.copyOf(vocab);
    }

    @Override
    public int[] tokenize(String word) {
        int length = word.codePointCount(0, word.length());
        if (length > maxInputCharsPerWord) {
            return new int[] {unknownId};
        }
        int[] ids = new int[length]; // at most one token per code point
        int count = 0;
        int start = 0;
        while (start < word.length()) {
            Integer found = null;
            int end = word.length();
            // Shrink the candidate one code point at a time until it is in the vocabulary.
            while (end > start) {
                String piece = word.substring(start, end);
                found = vocab.get(start > 0 ? continuingPrefix + piece : piece);
                if (found != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                return new int[] {unknownId};
            }
            ids[count++] = found;
            start = end;
        }
        return java.util.Arrays.copyOf(ids, count);
    }
}
