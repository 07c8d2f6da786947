package dev.cortado.models.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLIP's byte-level BPE against Hugging Face's tokenizers library: on the real CLIP ViT-B/32 tokenizer.json
 * where it is present beside the repository ({@code ../shared/data}, not on CI machines), and always on the
 * committed cut-down copy {@code fixtures/clip-mini-tokenizer.json} (800 merges, made by
 * tools/reference/gen_clip_mini_tokenizer.py), which exercises the same code with shorter merges.
 */
class ClipOracleTest {

    /** Where the real file lies relative to the module directory, surefire's working directory. */
    static final Path REAL = Path.of(System.getProperty("user.dir"), "..", "..", "shared", "data",
            "clip-vit-b32-tokenizer.json").normalize();

    @TempDir
    Path dir;

    private Path mini() throws IOException {
        Path file = dir.resolve("clip-mini-tokenizer.json");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("fixtures/clip-mini-tokenizer.json")) {
            Files.copy(in, file);
        }
        return file;
    }

    private static Path real() {
        assumeTrue(Files.isRegularFile(REAL), "CLIP oracle test skipped: " + REAL
                + " not found (the real vocabulary lives outside the repository; the mini copy is tested)");
        return REAL;
    }

    @Test
    void realVocabularyKnownCaption() throws IOException {
        Tokenizer clip = Clip.load(real());
        int[] ids = clip.encode("a photo of a cat").ids();
        assertEquals(Clip.CONTEXT_LENGTH, ids.length);
        // <|startoftext|> a</w> photo</w> of</w> a</w> cat</w> <|endoftext|>, then end-token padding
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 2368, 49407, 49407}, java.util.Arrays.copyOf(ids, 8));
    }

    @Test
    void realVocabularyIdsMatchHuggingFace() throws IOException {
        assertSameIds(real());
    }

    @Test
    void miniVocabularyIdsMatchHuggingFace() throws IOException {
        assertSameIds(mini());
    }

    @Test
    void realVocabularyContextBatchMatchesHuggingFace() throws IOException {
        assertSameContextBatch(real());
    }

    @Test
    void miniVocabularyContextBatchMatchesHuggingFace() throws IOException {
        assertSameContextBatch(mini());
    }

    private static void assertSameIds(Path file) throws IOException {
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.plain(file)) {
            OracleAssertions.assertSameIds(Tokenizer.load(file), oracle, OracleTexts.all());
        }
    }

    /** Truncated to 77 keeping the end token, padded to 77 (with id 0 here, as the oracle pads). */
    private static void assertSameContextBatch(Path file) throws IOException {
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.truncating(file, Clip.CONTEXT_LENGTH, true)) {
            Tokenizer clip = Clip.load(file).withPadding(Padding.fixed(Clip.CONTEXT_LENGTH, 0));
            OracleAssertions.assertSameBatch(clip, oracle, OracleTexts.all());
        }
        try (HuggingFaceTokenizer oracle = HuggingFaceOracle.truncating(file, 12, false)) {
            Tokenizer clip = Tokenizer.load(file).withTruncation(Truncation.of(12)).withPadding(Padding.longest(0));
            OracleAssertions.assertSameBatch(clip, oracle, List.of("a dog", "", "a very long caption ".repeat(9)));
        }
    }
}
