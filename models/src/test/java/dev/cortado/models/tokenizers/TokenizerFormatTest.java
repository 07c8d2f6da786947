package dev.cortado.models.tokenizers;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Fifos;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed or unsupported tokenizer.json → TokenizerFormatException naming the file and the problem. */
class TokenizerFormatTest {

    private static final String WORDPIECE = """
            {"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "a": 1, "##b": 2}}}""";

    private static TokenizerFormatException failure(String json) {
        return assertThrows(TokenizerFormatException.class, () -> TokenizerJson.read(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "bad-tokenizer.json"));
    }

    private static void assertProblem(String json, String... fragments) {
        String message = failure(json).getMessage();
        assertTrue(message.startsWith("bad-tokenizer.json: "), message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "'" + fragment + "' missing from: " + message);
        }
    }

    @Test
    void minimalFileLoads() throws IOException {
        Tokenizer tokenizer = TokenizerJson.read(new ByteArrayInputStream(WORDPIECE.getBytes(StandardCharsets.UTF_8)),
                "ok.json");
        // No pre-tokenizer: the whole text is one word, and one unmatched stretch makes it unknown.
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 2}, tokenizer.encode("ab").ids());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0}, tokenizer.encode("ab c").ids());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
        "^{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 1^ | malformed JSON | truncated",
        "^{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}} {}^ | malformed JSON: Trailing token | content after the object",
        "^[1, 2, 3]^ | top level: expected a JSON object | not an object",
        "^{}^ | model: missing | no model",
        "^{\"model\": {\"vocab\": {\"a\": 0}}}^ | model.type: missing | no model type",
        "^{\"model\": {\"type\": \"Unigram\", \"vocab\": {\"a\": 0}}}^ | unsupported model type 'Unigram' | unknown model",
        "^{\"model\": {\"type\": \"WordPiece\"}}^ | model.vocab: missing | no vocab",
        "^{\"model\": {\"type\": \"WordPiece\", \"vocab\": [\"a\"]}}^ | model.vocab: expected an object | vocab array",
        "^{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": \"zero\"}}}^ | model.vocab.a: expected a non-negative | id a string",
        "^{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": -1}}}^ | model.vocab.a | negative id",
        "^{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 1e40}}}^ | model.vocab.a | huge id",
        "^{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}^ | '[UNK]' is not in the vocabulary | no unknown token",
        "^{\"model\": {\"type\": 7, \"vocab\": {\"a\": 0}}}^ | model.type: expected a string | type a number",
        "^{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}^ | model.merges: missing | BPE without merges",
        "^{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a\"]}}^ | model.merges[0] | merge without a space",
        "^{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a a\"]}}^ | BPE merge 0 'a a' | merge result missing",
        "^{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [], \"byte_fallback\": true}}^ | model.byte_fallback | byte fallback",
        "^{\"normalizer\": {\"type\": \"Precompiled\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}^ | normalizer.type: unsupported normalizer 'Precompiled' | unknown normalizer",
        "^{\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFC\"}, 3]}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}^ | normalizer.normalizers[1]: expected an object | bad sequence element",
        "^{\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"([a-\"}, \"behavior\": \"Removed\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}^ | pre_tokenizer.pattern.Regex: invalid regular expression | bad regex",
        "^{\"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\": {\"id\": \"[CLS]\"}}], \"pair\": [], \"special_tokens\": {}}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}^ | post_processor.special_tokens.[CLS]: missing | undeclared special token",
        "^{\"padding\": {\"strategy\": \"Longest\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}^ | padding.strategy | bad padding",
        "^{\"truncation\": {\"max_length\": \"10\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}^ | truncation.max_length: expected a non-negative | bad truncation",
        "^{\"added_tokens\": [{\"id\": 0}], \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}^ | added_tokens[0].content: missing | added token without content",
    })
    void malformedFilesNameTheFileAndTheProblem(String json, String problem, String description) {
        assertProblem(json, problem);
    }

    @Test
    void deeplyNestedJsonFailsWithoutOverflowingTheStack() {
        assertProblem("[".repeat(100_000), "malformed JSON");
    }

    @Test
    void loadFromPathNamesThePath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"model\": ");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(file));
        assertTrue(e.getMessage().startsWith(file + ": malformed JSON"), e.getMessage());
    }

    /**
     * Truncations at 200 random points and 200 random byte changes of the mini CLIP file: each either loads
     * and encodes or fails with TokenizerFormatException, never another exception (seed 4).
     */
    @Test
    void truncatedAndCorruptedFilesFailCleanly() throws IOException {
        byte[] valid;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("fixtures/clip-mini-tokenizer.json")) {
            valid = in.readAllBytes();
        }
        Random random = new Random(4);
        for (int trial = 0; trial < 400; trial++) {
            byte[] bytes;
            if (trial < 200) {
                bytes = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            } else {
                bytes = valid.clone();
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            try {
                TokenizerJson.read(new ByteArrayInputStream(bytes), "clip-variant.json").encode("Hello, world!");
            } catch (TokenizerFormatException expected) {
                assertTrue(expected.getMessage().startsWith("clip-variant.json: "), expected.getMessage());
            }
        }
    }

    @Test
    void aFifoIsRefusedInsteadOfBlocking(@TempDir Path dir) throws IOException, InterruptedException {
        Path fifo = Fifos.create(dir.resolve("tokenizer.json"));
        TokenizerFormatException e = Fifos.assertRefusedWithoutBlocking(TokenizerFormatException.class,
                () -> Tokenizer.load(fifo));
        assertTrue(e.getMessage().startsWith(fifo + ": not a regular file"), e.getMessage());
    }

    /**
     * A split pattern that backtracks without end ({@code (.*a){12}b} tries every way to cut a run of 60 a's into
     * 12 pieces: 16 s for 30 a's without the bound) fails the encode with a clear error instead of hanging it; a
     * pattern that backtracks quadratically over a long run of spaces, as GPT-2's {@code \s+(?!\S)} does, still
     * encodes.
     */
    @Test
    void catastrophicBacktrackingFailsTheEncodeInsteadOfHangingIt() throws IOException {
        Tokenizer backtracking = splitting("(.*a){12}b");
        String text = "a".repeat(60) + "!";
        IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IllegalArgumentException.class, () -> backtracking.encode(text)));
        assertTrue(e.getMessage().contains("'(.*a){12}b'") && e.getMessage().contains("catastrophic backtracking"),
                e.getMessage());
        Tokenizer quadratic = splitting("\\\\s+(?!\\\\S)|\\\\s+");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 1},
                quadratic.encode("a" + " ".repeat(5000) + "a").ids());
    }

    /** WORDPIECE with a Split pre-tokenizer that removes the matches of {@code regex} (JSON-escaped). */
    private static Tokenizer splitting(String regex) throws IOException {
        String json = WORDPIECE.replace("{\"model\"", "{\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \""
                + regex + "\"}, \"behavior\": \"Removed\"}, \"model\"");
        return TokenizerJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "split.json");
    }
}
