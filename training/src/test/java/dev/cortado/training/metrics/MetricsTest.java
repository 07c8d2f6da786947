package dev.cortado.training.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Metrics against values computed by hand (exact fractions; tolerance 1e-12 for double rounding). */
class MetricsTest {
    private static final double EPS = 1e-12;

    /**
     * Row 0 clear (label 1, predicted 1); row 1 a tie 0.5 = 0.5 between classes 0 and 1 (label 1: the first
     * maximum, 0, is predicted; label ranks 1); row 2 a three-way tie (label 2 ranks 2); row 3 clear (label 0).
     */
    private static final Tensor LOGITS = Tensor.fromArray(new float[] {
        0.1f, 0.7f, 0.2f,
        0.5f, 0.5f, 0.0f,
        0.3f, 0.3f, 0.3f,
        0.9f, 0.0f, 0.1f}, 4, 3);
    private static final Tensor LABELS = Tensor.fromLongs(new long[] {1, 1, 2, 0}, 4);

    @Test
    void accuracyAndTopKWithTies() {
        assertArrayEquals(new long[] {1, 0, 0, 0}, Classification.predictions(LOGITS));
        assertEquals(2 / 4.0, Classification.accuracy(LOGITS, LABELS), EPS);
        assertEquals(3 / 4.0, Classification.topKAccuracy(LOGITS, LABELS, 2), EPS);
        assertEquals(1.0, Classification.topKAccuracy(LOGITS, LABELS, 3), EPS);
        var e = assertThrows(IllegalArgumentException.class, () -> Classification.topKAccuracy(LOGITS, LABELS, 4));
        assertTrue(e.getMessage().contains("k = 4 outside [1, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Classification.accuracy(LOGITS, Tensor.fromLongs(new long[] {0, 1, 3, 0}, 4)));
        assertEquals(0.5, Classification.accuracy(new long[] {1, 2}, new long[] {1, 1}), EPS);
    }

    @Test
    void macroF1LeavesOutAbsentClasses() {
        // predictions [1, 0, 0, 0] vs labels [1, 1, 2, 0] over 4 classes; class 3 appears in neither.
        // class 0: TP 1, FP 2, FN 0 → F1 = 2/(2+2) = 1/2; class 1: TP 1, FP 0, FN 1 → 2/3; class 2: TP 0 → 0.
        // Macro-F1 = (1/2 + 2/3 + 0) / 3 = 7/18 (sklearn f1_score(average="macro") gives the same).
        long[] predictions = {1, 0, 0, 0};
        long[] labels = {1, 1, 2, 0};
        assertEquals(7 / 18.0, Classification.macroF1(predictions, labels, 4), EPS);
        assertEquals(7 / 18.0, Classification.macroF1(LOGITS, LABELS), EPS);
        ConfusionMatrix m = ConfusionMatrix.of(predictions, labels, 4);
        assertEquals(1, m.count(1, 0));
        assertEquals(1, m.count(2, 0));
        assertEquals(4, m.total());
        assertEquals(1 / 3.0, m.precision(0), EPS);
        assertEquals(1.0, m.recall(0), EPS);
        assertEquals(1.0, m.precision(1), EPS);
        assertEquals(0.5, m.recall(1), EPS);
        assertEquals(0.0, m.precision(2), EPS); // never predicted: 0, not NaN
        assertEquals(0.0, m.f1(3), EPS);
        assertEquals(0.5, m.accuracy(), EPS);
        assertEquals(1.0, Classification.macroF1(new long[] {2, 2}, new long[] {2, 2}, 5), EPS, "only class 2 seen");
    }

    @Test
    void confusionMatrixPrints() {
        ConfusionMatrix m = ConfusionMatrix.of(new long[] {1, 0, 0, 0}, new long[] {1, 1, 2, 0}, 3);
        String table = m.toString(List.of("cat", "dog", "eel"));
        String[] lines = table.split("\n");
        assertEquals(5, lines.length, table);
        assertTrue(lines[0].startsWith("true\\pred") && lines[0].endsWith("precision  recall"), table);
        assertEquals("1 dog        1    1    0     1.0000  0.5000", lines[2], table);
        assertEquals("accuracy 0.5000, macro-F1 0.3889, 4 examples", lines[4], table);
        assertThrows(IllegalArgumentException.class, () -> m.toString(List.of("a")));
        assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(new long[] {3}, new long[] {0}, 3));
    }

    @Test
    void retrievalRecallByLabels() {
        // images labelled [0, 1, 0], texts [0, 1, 2, 0]; text 2 has no positive image.
        Tensor sim = Tensor.fromArray(new float[] {
            0.2f, 0.9f, 0.1f, 0.5f,   // image 0: order t1 t3 t0 t2, best positive t3 at rank 1
            0.4f, 0.4f, 0.0f, 0.1f,   // image 1: t1 ties t0 and ranks after it (rank 1)
            0.8f, 0.3f, 0.3f, 0.8f},  // image 2: t0 (tie with t3, lower index) at rank 0
                3, 4);
        long[] images = {0, 1, 0};
        long[] texts = {0, 1, 2, 0};
        assertEquals(1 / 3.0, RetrievalRecall.imageToText(sim, images, texts, 1), EPS);
        assertEquals(1.0, RetrievalRecall.imageToText(sim, images, texts, 2), EPS);
        // Text columns: t0 [0.2 0.4 0.8] hit@1 via image 2; t1 [0.9 0.4 0.3] image 1 at rank 1; t2 no positive;
        // t3 [0.5 0.1 0.8] hit@1 via image 2.
        assertEquals(2 / 4.0, RetrievalRecall.textToImage(sim, images, texts, 1), EPS);
        assertEquals(3 / 4.0, RetrievalRecall.textToImage(sim, images, texts, 2), EPS);
        assertEquals(3 / 4.0, RetrievalRecall.textToImage(sim, images, texts, 3), EPS);
        var e = assertThrows(IllegalArgumentException.class,
                () -> RetrievalRecall.textToImage(sim, images, texts, 4));
        assertTrue(e.getMessage().contains("k = 4 outside [1, 3]"), e.getMessage());
        assertEquals(1.0, RetrievalRecall.imageToText(sim, images, texts, 4), EPS);
        assertThrows(IllegalArgumentException.class, () -> RetrievalRecall.imageToText(sim, images, texts, 5));
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalRecall.imageToText(sim, new long[] {0, 1}, texts, 1));
    }

    @Test
    void retrievalRecallOfPairs() {
        Tensor sim = Tensor.fromArray(new float[] {
            1.0f, 0.0f, 0.0f,
            0.5f, 0.5f, 0.0f,
            0.0f, 2.0f, 1.0f}, 3, 3);
        // image→text: image 0 hit; image 1 ties t0 and ranks 1; image 2's t2 (1.0) is behind t1 (2.0).
        assertEquals(1 / 3.0, RetrievalRecall.imageToText(sim, 1), EPS);
        assertEquals(1.0, RetrievalRecall.imageToText(sim, 2), EPS);
        // text→image: t0 column [1, 0.5, 0] hit; t1 column [0, 0.5, 2] image 1 at rank 1; t2 column [0, 0, 1] hit.
        assertEquals(2 / 3.0, RetrievalRecall.textToImage(sim, 1), EPS);
        assertThrows(IllegalArgumentException.class, () -> RetrievalRecall.imageToText(Tensor.zeros(2, 3), 1));
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalRecall.imageToText(Tensor.fromArray(new float[] {Float.NaN}, 1, 1), 1));
    }
}
