package dev.cortado.models.tokenizers;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code added_tokens} of a file ({@code [CLS]}, {@code <|endoftext|>} ...): where one of them occurs in
 * the input it becomes its own id and the model never sees it. Matching is leftmost-longest. Tokens marked
 * {@code normalized: false} are found in the raw text; the others in the normalized text between those.
 * {@code lstrip}/{@code rstrip} let a match swallow the white space before/after it.
 */
final class AddedTokens {

    /** One added token. */
    record Token(String content, int id, boolean normalized, boolean lstrip, boolean rstrip) { }

    /** A stretch of text for the model ({@code id < 0}) or one added token ({@code id >= 0}). */
    record Segment(String text, int id) { }

    private final List<Token> raw;
    private final List<Token> normalized;

    AddedTokens(List<Token> tokens) {
        this.raw = tokens.stream().filter(t -> !t.normalized() && !t.content().isEmpty()).toList();
        this.normalized = tokens.stream().filter(t -> t.normalized() && !t.content().isEmpty()).toList();
    }

    /** Splits {@code text} at added tokens, normalizing every stretch between them. */
    List<Segment> split(String text, Normalizer normalizer) {
        List<Segment> out = new ArrayList<>();
        for (Segment piece : split(text, raw)) {
            if (piece.id() >= 0) {
                out.add(piece);
            } else {
                out.addAll(split(normalizer.normalize(piece.text()), normalized));
            }
        }
        return out;
    }

    private static List<Segment> split(String text, List<Token> tokens) {
        List<Segment> out = new ArrayList<>();
        if (tokens.isEmpty()) {
            out.add(new Segment(text, -1));
            return out;
        }
        int textStart = 0;
        int i = 0;
        while (i < text.length()) {
            Token match = longestAt(text, i, tokens);
            if (match == null) {
                i++;
                continue;
            }
            int start = i;
            int end = i + match.content().length();
            while (match.lstrip() && start > textStart && BertNormalizer.isWhitespace(text.charAt(start - 1))) {
                start--;
            }
            while (match.rstrip() && end < text.length() && BertNormalizer.isWhitespace(text.charAt(end))) {
                end++;
            }
            out.add(new Segment(text.substring(textStart, start), -1));
            out.add(new Segment(match.content(), match.id()));
            textStart = end;
            i = end;
        }
        out.add(new Segment(text.substring(textStart), -1));
        return out;
    }

    private static Token longestAt(String text, int at, List<Token> tokens) {
        Token best = null;
        for (Token token : tokens) {
            if (text.startsWith(token.content(), at)
                    && (best == null || token.content().length() > best.content().length())) {
                best = token;
            }
        }
        return best;
    }
}
