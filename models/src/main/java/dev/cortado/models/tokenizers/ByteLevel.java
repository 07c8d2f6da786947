package dev.cortado.models.tokenizers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level pre-tokenizer: optionally splits with GPT-2's pattern, then writes every word as the
 * UTF-8 bytes of its text, each byte shown as one printable character, so that a vocabulary of 256 base
 * symbols covers any text (an emoji becomes four symbols).
 *
 * <p>The byte-to-character alphabet: the printable bytes {@code !}..{@code ~}, {@code ¡}..{@code ¬} and
 * {@code ®}..{@code ÿ} stand for themselves; the remaining 68 bytes (controls, space, U+00AD ...) are mapped in
 * increasing order to U+0100, U+0101, ... (so a space is {@code Ġ}, U+0120).
 *
 * @param addPrefixSpace prepend a space when the text does not start with one
 * @param useRegex       split with GPT-2's pattern before the byte mapping
 */
public record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {

    private static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] BYTE_TO_CHAR = alphabet();

    private static char[] alphabet() {
        char[] table = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char) b : (char) (256 + extra++);
        }
        return table;
    }

    @Override
    public void split(String text, List<String> words) {
        String prefixed = addPrefixSpace && !text.startsWith(" ") ? " " + text : text;
        List<String> pieces = new ArrayList<>();
        if (useRegex) {
            new SplitPreTokenizer(GPT2_SPLIT, true, false).split(prefixed, pieces);
        } else if (!prefixed.isEmpty()) {
            pieces.add(prefixed);
        }
        for (String piece : pieces) {
            words.add(toByteSymbols(piece));
        }
    }

    /** The UTF-8 bytes of {@code text}, each written as its character of the byte-level alphabet. */
    static String toByteSymbols(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] symbols = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            symbols[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(symbols);
    }
}
