package dev.cortado.models.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Hugging Face's own tokenizers (the Rust library, through DJL's bundled native build) on the same file:
 * the reference the Java tokenizers must match id for id.
 */
final class HuggingFaceOracle {

    private HuggingFaceOracle() {
    }

    /** A tokenizer from {@code file} with special tokens, without truncation or padding. */
    static HuggingFaceTokenizer plain(Path file) throws IOException {
        return HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true)
                .optTruncation(false).optPadding(false).build();
    }

    /** Truncation to {@code maxLength} and padding to the longest of a batch, or to maxLength when fixed. */
    static HuggingFaceTokenizer truncating(Path file, int maxLength, boolean padToMax) throws IOException {
        HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder().optTokenizerPath(file)
                .optAddSpecialTokens(true).optTruncation(true).optMaxLength(maxLength).optPadding(true);
        if (padToMax) {
            builder.optPadToMaxLength();
        }
        return builder.build();
    }

    static int[] ints(long[] values) {
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }

    /** One line per encoding: ids, type ids and mask, for readable failure messages. */
    static String describe(List<Encoding> batch) {
        StringBuilder out = new StringBuilder();
        for (Encoding e : batch) {
            out.append(Arrays.toString(e.ids())).append(' ').append(Arrays.toString(e.typeIds())).append(' ')
                    .append(Arrays.toString(e.attentionMask())).append('\n');
        }
        return out.toString();
    }

    static String describe(ai.djl.huggingface.tokenizers.Encoding[] batch) {
        StringBuilder out = new StringBuilder();
        for (ai.djl.huggingface.tokenizers.Encoding e : batch) {
            out.append(Arrays.toString(ints(e.getIds()))).append(' ').append(Arrays.toString(ints(e.getTypeIds())))
                    .append(' ').append(Arrays.toString(ints(e.getAttentionMask()))).append('\n');
        }
        return out.toString();
    }
}
