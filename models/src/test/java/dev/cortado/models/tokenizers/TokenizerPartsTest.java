package dev.cortado.models.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The steps on hand-made inputs whose answers can be worked out on paper. */
class TokenizerPartsTest {

    @Test
    void bertNormalizerCleansSplitsCjkStripsAccentsAndLowercases() {
        BertNormalizer bert = new BertNormalizer(true, true, true, true);
        assertEquals("cafe  中  文 a b", bert.normalize("Café\u0000\u200b\t中文\ufffdA\u2003B"));
        assertEquals("οδοσ", bert.normalize("ΟΔΟΣ")); // no final-sigma rule, as Hugging Face
    }

    @Test
    void bertPreTokenizerIsolatesPunctuationIncludingAsciiSymbols() {
        List<String> words = new ArrayList<>();
        new BertPreTokenizer().split(" a+b  $5,0 ¿x? ", words);
        assertEquals(List.of("a", "+", "b", "$", "5", ",", "0", "¿", "x", "?"), words);
    }

    @Test
    void wordPieceTakesTheLongestMatchAndFallsBackToUnknown() {
        WordPiece model = new WordPiece(Map.of("[UNK]", 0, "un", 1, "unaff", 2, "##able", 3, "##aff", 4, "##a", 5),
                0, "##", 100);
        assertArrayEquals(new int[] {2, 3}, model.tokenize("unaffable"));
        assertArrayEquals(new int[] {2, 5}, model.tokenize("unaffa"));       // greedy: unaff, not un ##aff
        assertArrayEquals(new int[] {0}, model.tokenize("unx"));          // an unmatched stretch: whole word unknown
        assertArrayEquals(new int[] {0}, new WordPiece(Map.of("[UNK]", 0, "a", 1, "##a", 2), 0, "##", 3)
                .tokenize("aaaa"));                                         // 4 > 3 characters
    }

    @Test
    void bpeMergesByRankWithEndOfWordSuffix() {
        Map<String, Integer> vocab = Map.of("l", 0, "o", 1, "w</w>", 2, "lo", 3, "low</w>", 4, "o</w>", 5,
                "<unk>", 6, "ow</w>", 7);
        // Rank 0: l+o, rank 1: lo+w</w>; o+w</w> (rank 2) loses to the earlier merge.
        Bpe bpe = new Bpe(vocab, new String[][] {{"l", "o"}, {"lo", "w</w>"}, {"o", "w</w>"}}, "<unk>", "</w>",
                false, false);
        assertArrayEquals(new int[] {4}, bpe.tokenize("low"));
        assertArrayEquals(new int[] {7}, bpe.tokenize("ow"));
        assertArrayEquals(new int[] {3, 5}, bpe.tokenize("loo"));
        assertArrayEquals(new int[] {6, 6, 4}, bpe.tokenize("xylow"));
        Bpe fused = new Bpe(vocab, new String[][] {{"l", "o"}}, "<unk>", "</w>", true, false);
        assertArrayEquals(new int[] {6, 3, 2}, fused.tokenize("xylow"));
    }

    @Test
    void truncationStrategiesForPairs() {
        int[] a = {1, 2, 3, 4, 5, 6};
        int[] b = {7, 8};
        int[][] longest = Truncation.of(5).apply(a, b, 5);
        assertArrayEquals(new int[] {1, 2, 3}, longest[0]);
        assertArrayEquals(new int[] {7, 8}, longest[1]);
        int[][] both = Truncation.of(5).apply(a, new int[] {7, 8, 9, 10, 11}, 5);
        assertArrayEquals(new int[] {1, 2, 3}, both[0]);                   // 5 / 2 + 5 % 2 for the longer
        assertArrayEquals(new int[] {7, 8}, both[1]);
        int[][] second = new Truncation(5, Truncation.Strategy.ONLY_SECOND, true).apply(b, a, 5);
        assertArrayEquals(new int[] {4, 5, 6}, second[1]);                  // cut from the left
    }

    @Test
    void paddingToAMultipleOnTheLeft() {
        Encoding short1 = new Encoding(new int[] {5}, new int[] {0}, new int[] {1});
        Encoding long3 = new Encoding(new int[] {5, 6, 7}, new int[] {0, 1, 1}, new int[] {1, 1, 1});
        List<Encoding> padded = new Padding(0, 4, true, 9, 2).apply(List.of(short1, long3));
        assertArrayEquals(new int[] {9, 9, 9, 5}, padded.get(0).ids());
        assertArrayEquals(new int[] {2, 2, 2, 0}, padded.get(0).typeIds());
        assertArrayEquals(new int[] {0, 1, 1, 1}, padded.get(1).attentionMask());
    }

    @Test
    void addedTokensAreCutOutLongestFirstAndStripWhiteSpace() {
        AddedTokens added = new AddedTokens(List.of(new AddedTokens.Token("<m>", 7, false, true, false),
                new AddedTokens.Token("<mask>", 8, false, false, true),
                new AddedTokens.Token("x", 9, true, false, false)));
        List<AddedTokens.Segment> segments = added.split("A  <m> B <mask>  X", text -> text.toLowerCase());
        assertEquals(List.of(new AddedTokens.Segment("a", -1), new AddedTokens.Segment("<m>", 7),
                new AddedTokens.Segment(" b ", -1), new AddedTokens.Segment("<mask>", 8),
                new AddedTokens.Segment("", -1), new AddedTokens.Segment("x", 9), new AddedTokens.Segment("", -1)),
                segments);
    }
}
