package dev.cortado.models.tokenizers;

import java.util.List;

/**
 * BERT's pre-tokenizer: splits at white space (which is dropped) and makes every punctuation character a word
 * of its own. Punctuation is what BERT counts as such: the ASCII symbols {@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~}
 * (so {@code $}, {@code +}, {@code ^} ... although Unicode files them as symbols) and every character of the
 * Unicode punctuation categories Pc, Pd, Ps, Pe, Pi, Pf, Po.
 */
public final class BertPreTokenizer implements PreTokenizer {

    @Override
    public void split(String text, List<String> words) {
        int start = -1;
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            boolean space = BertNormalizer.isWhitespace(c);
            boolean punctuation = !space && isPunctuation(c);
            if (space || punctuation) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
                if (punctuation) {
                    words.add(text.substring(i, next));
                }
            } else if (start < 0) {
                start = i;
            }
            i = next;
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
    }

    static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
