package dev.cortado.models.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.cortado.models.bert.PretrainedBert;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The WordPiece tokenizers (BERT uncased vocabulary) of all-MiniLM-L6-v2 and bge-small-en-v1.5 against Hugging
 * Face's tokenizers library on the same tokenizer.json: ids must be equal, token for token.
 */
class WordPieceOracleTest {

    private static Tokenizer load(PretrainedBert model) throws IOException {
        return Tokenizer.load(model.tokenizer());
    }

    @Test
    void fileSettingsAreRead() throws IOException {
        Tokenizer minilm = load(PretrainedBert.MINILM);
        assertEquals(Truncation.of(128), minilm.truncation());
        assertEquals(Padding.fixed(128, 0), minilm.padding());
        Tokenizer bge = load(PretrainedBert.BGE_SMALL);   // "truncation": null, "padding": null
        assertNull(bge.truncation());
        assertNull(bge.padding());
    }

    @ParameterizedTest
    @EnumSource(PretrainedBert.class)
    void knownSentence(PretrainedBert model) throws IOException {
        Tokenizer plain = load(model).withTruncation(null).withPadding(null);
        // [CLS] hello , world ! [SEP] and continuations: una ##ffa ##ble
        assertArrayEquals(new int[] {101, 7592, 1010, 2088, 999, 102}, plain.encode("Hello, world!").ids());
        assertArrayEquals(new int[] {101, 14477, 20961, 3468, 102}, plain.encode("unaffable").ids());
    }

    @ParameterizedTest
    @EnumSource(PretrainedBert.class)
    void idsMatchHuggingFace(PretrainedBert model) throws IOException {
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.plain(model.tokenizer())) {
            OracleAssertions.assertSameIds(load(model).withTruncation(null).withPadding(null), oracle,
                    OracleTexts.all());
        }
    }

    @ParameterizedTest
    @EnumSource(PretrainedBert.class)
    void batchTruncatedAndPaddedToLongestMatchesHuggingFace(PretrainedBert model) throws IOException {
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.truncating(model.tokenizer(), 24, false)) {
            OracleAssertions.assertSameBatch(load(model).withTruncation(Truncation.of(24))
                    .withPadding(Padding.longest(0)), oracle, OracleTexts.all());
        }
    }

    @ParameterizedTest
    @EnumSource(PretrainedBert.class)
    void batchPaddedToFixedLengthMatchesHuggingFace(PretrainedBert model) throws IOException {
        List<String> texts = List.of("short", "", "a somewhat longer sentence, with punctuation!",
                "word ".repeat(300));
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.truncating(model.tokenizer(), 128, true)) {
            OracleAssertions.assertSameBatch(load(model).withTruncation(Truncation.of(128))
                    .withPadding(Padding.fixed(128, 0)), oracle, texts);
        }
    }

    @ParameterizedTest
    @EnumSource(PretrainedBert.class)
    void pairsTruncatedLongestFirstMatchHuggingFace(PretrainedBert model) throws IOException {
        List<String> questions = List.of("What is the capital of France?", "word ".repeat(40), "short",
                "word ".repeat(40), "");
        List<String> passages = List.of("Paris is the capital and largest city of France.", "tiny",
                "word ".repeat(40), "other ".repeat(50), "only the second");
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.truncating(model.tokenizer(), 32, false)) {
            OracleAssertions.assertSamePairs(load(model).withTruncation(Truncation.of(32)).withPadding(null),
                    oracle, questions, passages);
        }
    }
}
