package dev.cortado.models.tokenizers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face tokenizer: text → token ids, in the order of the {@code tokenizer.json} pipeline:
 * <ol>
 *   <li>added tokens ({@code [CLS]}, {@code <|endoftext|>}) written in the text are cut out as their ids;</li>
 *   <li>the rest is normalized ({@link Normalizer}: lowercase, accents, white space ...);</li>
 *   <li>split into words ({@link PreTokenizer});</li>
 *   <li>each word split into token ids by the model ({@link WordPiece} or {@link Bpe});</li>
 *   <li>truncated to the maximum length, keeping room for the special tokens ({@link Truncation});</li>
 *   <li>wrapped in special tokens with type ids ({@link Template});</li>
 *   <li>padded with an attention mask ({@link Padding}).</li>
 * </ol>
 * Immutable and safe to share between threads; {@link #withTruncation} and {@link #withPadding} return copies.
 *
 * <pre>{@code
 * Tokenizer bert = Tokenizer.load(Path.of("tokenizer.json")).withPadding(Padding.longest(0));
 * List<Encoding> batch = bert.encodeBatch(List.of("Hello, world!", "A longer sentence here."));
 * }</pre>
 */
public final class Tokenizer {

    private final AddedTokens addedTokens;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final TokenModel model;
    private final Template template;
    private final Truncation truncation;
    private final Padding padding;

    Tokenizer(AddedTokens addedTokens, Normalizer normalizer, PreTokenizer preTokenizer, TokenModel model,
                     Template template, Truncation truncation, Padding padding) {
        this.addedTokens = addedTokens;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.template = template;
        this.truncation = truncation;
        this.padding = padding;
    }

    /** Reads a {@code tokenizer.json}; see {@link TokenizerJson}. */
    public static Tokenizer load(Path file) throws IOException {
        return TokenizerJson.load(file);
    }

    /** This tokenizer with another truncation, or none when {@code truncation} is null. */
    public Tokenizer withTruncation(Truncation truncation) {
        return new Tokenizer(addedTokens, normalizer, preTokenizer, model, template, truncation, padding);
    }

    /** This tokenizer with another padding, or none when {@code padding} is null. */
    public Tokenizer withPadding(Padding padding) {
        return new Tokenizer(addedTokens, normalizer, preTokenizer, model, template, truncation, padding);
    }

    public Truncation truncation() {
        return truncation;
    }

    public Padding padding() {
        return padding;
    }

    /** The token ids of {@code text} without special tokens, truncation or padding (steps 1 to 4). */
    public int[] tokenize(String text) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        List<String> words = new ArrayList<>();
        for (AddedTokens.Segment segment : addedTokens.split(text, normalizer)) {
            if (segment.id() >= 0) {
                parts.add(new int[] {segment.id()});
                total++;
                continue;
            }
            words.clear();
            preTokenizer.split(segment.text(), words);
            for (String word : words) {
                int[] ids = model.tokenize(word);
                parts.add(ids);
                total += ids.length;
            }
        }
        int[] all = new int[total];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** One sequence, with special tokens, truncation and (on its own) padding. */
    public Encoding encode(String text) {
        return encodeBatch(List.of(text)).get(0);
    }

    /** A pair of sequences (question and passage ...), with type ids 0 and 1 as the template says. */
    public Encoding encode(String text, String pair) {
        return pad(List.of(encodeOne(text, pair))).get(0);
    }

    /** Each text encoded on its own, then all padded together (to the longest or to the fixed length). */
    public List<Encoding> encodeBatch(List<String> texts) {
        return pad(texts.stream().map(text -> encodeOne(text, null)).toList());
    }

    private Encoding encodeOne(String text, String pair) {
        int[] a = tokenize(text);
        int[] b = pair == null ? null : tokenize(pair);
        if (truncation != null) {
            int budget = Math.max(0, truncation.maxLength() - template.addedTokens(pair != null));
            int[][] cut = truncation.apply(a, b, budget);
            a = cut[0];
            b = cut[1];
        }
        return template.apply(a, b);
    }

    private List<Encoding> pad(List<Encoding> batch) {
        return padding == null ? batch : padding.apply(batch);
    }
}
