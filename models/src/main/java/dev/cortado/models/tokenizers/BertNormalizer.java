package dev.cortado.models.tokenizers;

import java.text.Normalizer.Form;

/**
 * BERT's normalizer, step by step as Hugging Face's {@code BertNormalizer} runs them:
 * <ol>
 *   <li>clean text: drop U+0000, U+FFFD and control characters (categories Cc, Cf, Co, Cs, Cn other than tab,
 *       newline and carriage return); every remaining white-space character becomes a space;</li>
 *   <li>CJK: surround each CJK ideograph with spaces so that it becomes a word of its own;</li>
 *   <li>strip accents: decompose (NFD) and drop the non-spacing marks (category Mn);</li>
 *   <li>lowercase (see {@link Normalizer#lowercase()}).</li>
 * </ol>
 *
 * @param cleanText        step 1
 * @param handleCjk        step 2
 * @param stripAccents     step 3 (a file's {@code strip_accents: null} means: the same as {@code lowercase})
 * @param lowercase        step 4
 */
public record BertNormalizer(boolean cleanText, boolean handleCjk, boolean stripAccents, boolean lowercase)
        implements Normalizer {

    private static final Normalizer LOWERCASE = Normalizer.lowercase();

    @Override
    public String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if (cleanText && (c == 0 || c == 0xFFFD || isControl(c))) {
                return;
            }
            if (cleanText && isWhitespace(c)) {
                out.append(' ');
            } else if (handleCjk && isCjkIdeograph(c)) {
                out.append(' ').appendCodePoint(c).append(' ');
            } else {
                out.appendCodePoint(c);
            }
        });
        String result = out.toString();
        if (stripAccents) {
            result = stripAccents(result);
        }
        return lowercase ? LOWERCASE.normalize(result) : result;
    }

    /** NFD, then every non-spacing mark (category Mn) removed. */
    static String stripAccents(String text) {
        String decomposed = java.text.Normalizer.normalize(text, Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        decomposed.codePoints()
                .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                .forEach(out::appendCodePoint);
        return out.toString();
    }

    /** Unicode's White_Space property (what Rust's {@code char::is_whitespace} tests). */
    static boolean isWhitespace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** Control, format, private-use, surrogate and unassigned characters, except tab, newline, return. */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                 Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    /** The CJK Unified Ideographs blocks and their extensions and compatibility blocks, as BERT lists them. */
    static boolean isCjkIdeograph(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
