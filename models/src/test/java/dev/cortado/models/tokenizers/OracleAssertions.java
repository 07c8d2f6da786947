package dev.cortado.models.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.Arrays;
import java.util.List;

/** Exact comparisons of Cortado encodings with Hugging Face's: ids, type ids and attention masks. */
final class OracleAssertions {

    private OracleAssertions() {
    }

    /** Every text on its own, with special tokens, no truncation or padding. */
    static void assertSameIds(Tokenizer ours, HuggingFaceTokenizer theirs, List<String> texts) {
        for (String text : texts) {
            int[] expected = HuggingFaceOracle.ints(theirs.encode(text).getIds());
            int[] actual = ours.encode(text).ids();
            assertArrayEquals(expected, actual, () -> "ids of \"" + text + "\"\n expected "
                    + Arrays.toString(expected) + "\n actual   " + Arrays.toString(actual));
        }
    }

    /** The whole list as one batch: ids, type ids and masks after truncation and padding. */
    static void assertSameBatch(Tokenizer ours, HuggingFaceTokenizer theirs, List<String> texts) {
        ai.djl.huggingface.tokenizers.Encoding[] expected = theirs.batchEncode(texts);
        List<Encoding> actual = ours.encodeBatch(texts);
        assertEquals(HuggingFaceOracle.describe(expected), HuggingFaceOracle.describe(actual));
    }

    /** Pairs of texts: ids and type ids (0 for the first sequence, 1 for the second where the template says). */
    static void assertSamePairs(Tokenizer ours, HuggingFaceTokenizer theirs, List<String> firsts,
                                List<String> seconds) {
        for (int i = 0; i < firsts.size(); i++) {
            ai.djl.huggingface.tokenizers.Encoding expected = theirs.encode(firsts.get(i), seconds.get(i));
            Encoding actual = ours.encode(firsts.get(i), seconds.get(i));
            assertEquals(HuggingFaceOracle.describe(new ai.djl.huggingface.tokenizers.Encoding[] {expected}),
                    HuggingFaceOracle.describe(List.of(actual)), "pair " + i);
        }
    }
}
