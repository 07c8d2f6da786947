package dev.cortado.models.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * all-MiniLM-L6-v2's WordPiece tokenizer (BERT uncased vocabulary) against Hugging Face's tokenizers library
 * on the same tokenizer.json: ids must be equal, token for token.
 */
class WordPieceOracleTest {

    static final String RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    @TempDir
    static Path dir;
    static Path file;
    static Tokenizer minilm;

    @BeforeAll
    static void load() throws IOException {
        file = dir.resolve(RESOURCE);
        try (InputStream in = WordPieceOracleTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            Files.copy(in, file);
        }
        minilm = Tokenizer.load(file);
    }

    @Test
    void fileSettingsAreRead() {
        assertEquals(Truncation.of(128), minilm.truncation());
        assertEquals(Padding.fixed(128, 0), minilm.padding());
    }

    @Test
    void knownSentence() {
        Tokenizer plain = minilm.withPadding(null);
        // [CLS] hello , world ! [SEP] and continuations: una ##ffa ##ble
        assertArrayEquals(new int[] {101, 7592, 1010, 2088, 999, 102}, plain.encode("Hello, world!").ids());
        assertArrayEquals(new int[] {101, 14477, 20961, 3468, 102}, plain.encode("unaffable").ids());
    }

    @Test
    void idsMatchHuggingFace() throws IOException {
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.plain(file)) {
            OracleAssertions.assertSameIds(minilm.withTruncation(null).withPadding(null), oracle, OracleTexts.all());
        }
    }

    @Test
    void batchTruncatedAndPaddedToLongestMatchesHuggingFace() throws IOException {
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.truncating(file, 24, false)) {
            OracleAssertions.assertSameBatch(minilm.withTruncation(Truncation.of(24)).withPadding(Padding.longest(0)),
                    oracle, OracleTexts.all());
        }
    }

    @Test
    void batchPaddedToFixedLengthMatchesHuggingFace() throws IOException {
        List<String> texts = List.of("short", "", "a somewhat longer sentence, with punctuation!",
                "word ".repeat(300));
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.truncating(file, 128, true)) {
            OracleAssertions.assertSameBatch(minilm, oracle, texts);
        }
    }

    @Test
    void pairsTruncatedLongestFirstMatchHuggingFace() throws IOException {
        List<String> questions = List.of("What is the capital of France?", "word ".repeat(40), "short",
                "word ".repeat(40), "");
        List<String> passages = List.of("Paris is the capital and largest city of France.", "tiny",
                "word ".repeat(40), "other ".repeat(50), "only the second");
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.truncating(file, 32, false)) {
            OracleAssertions.assertSamePairs(minilm.withTruncation(Truncation.of(32)).withPadding(null),
                    oracle, questions, passages);
        }
    }
}
