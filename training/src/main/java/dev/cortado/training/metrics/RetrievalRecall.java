package dev.cortado.training.metrics;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;

/**
 * Recall@k for cross-modal retrieval from a similarity matrix {@code sim} [N_images, N_texts].
 *
 * <p>Image i and text j are a positive pair when {@code imageLabels[i] == textLabels[j]} (class captions), or,
 * in the overloads without labels, when i == j (one caption per image, sim square).
 * <ul>
 *   <li>image→text recall@k = (1/N_images) · #{i : some positive text j has rank(sim[i, ·], j) < k}</li>
 *   <li>text→image recall@k = (1/N_texts) · #{j : some positive image i has rank(sim[·, j], i) < k}</li>
 * </ul>
 * Ranks follow {@link Ranking}: higher similarity first, ties broken by the lower index, so exactly k candidates
 * are in the top k. A query with no positive at all counts as a miss. k must lie in [1, number of candidates]
 * (N_texts for image→text, N_images for text→image); a larger k is an error, not clamped.
 */
public final class RetrievalRecall {
    private RetrievalRecall() {
    }

    /** Image→text recall@k with positives given by equal labels. */
    public static double imageToText(Tensor sim, long[] imageLabels, long[] textLabels, int k) {
        int[] shape = checkSim(sim, imageLabels.length, textLabels.length);
        return recall("imageToText", sim.toFloatArray(), shape[0], shape[1], imageLabels, textLabels, k, false);
    }

    /** Text→image recall@k with positives given by equal labels. */
    public static double textToImage(Tensor sim, long[] imageLabels, long[] textLabels, int k) {
        int[] shape = checkSim(sim, imageLabels.length, textLabels.length);
        return recall("textToImage", sim.toFloatArray(), shape[0], shape[1], imageLabels, textLabels, k, true);
    }

    /** Image→text recall@k for one-to-one pairs: image i matches text i only (sim must be square). */
    public static double imageToText(Tensor sim, int k) {
        long[] pairs = pairLabels(sim);
        return imageToText(sim, pairs, pairs, k);
    }

    /** Text→image recall@k for one-to-one pairs: text j matches image j only (sim must be square). */
    public static double textToImage(Tensor sim, int k) {
        long[] pairs = pairLabels(sim);
        return textToImage(sim, pairs, pairs, k);
    }

    private static long[] pairLabels(Tensor sim) {
        if (sim.dim() != 2 || sim.size(0) != sim.size(1)) {
            throw new IllegalArgumentException("RetrievalRecall: one-to-one pairs need a square similarity matrix, "
                    + "got shape " + Arrays.toString(sim.shape()));
        }
        long[] labels = new long[sim.size(0)];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i;
        }
        return labels;
    }

    private static int[] checkSim(Tensor sim, int images, int texts) {
        sim.requireDType("RetrievalRecall", DType.FLOAT32);
        if (sim.dim() != 2 || sim.size(0) != images || sim.size(1) != texts || images == 0 || texts == 0) {
            throw new IllegalArgumentException("RetrievalRecall: expected a similarity matrix [" + images + ", "
                    + texts + "] (non-empty, from the label counts), got shape " + Arrays.toString(sim.shape()));
        }
        return new int[] {images, texts};
    }

    /**
     * Queries are rows of the row-major [rows, cols] matrix, or its columns when {@code byColumn}; a query
     * counts as a hit when its best-ranked positive candidate ranks below k.
     */
    private static double recall(String what, float[] s, int rows, int cols, long[] rowLabels, long[] colLabels,
            int k, boolean byColumn) {
        Ranking.checkNoNaN(what, s);
        int queries = byColumn ? cols : rows;
        int candidates = byColumn ? rows : cols;
        long[] queryLabels = byColumn ? colLabels : rowLabels;
        long[] candidateLabels = byColumn ? rowLabels : colLabels;
        Ranking.checkK(what, k, candidates);
        int hits = 0;
        for (int q = 0; q < queries; q++) {
            int from = byColumn ? q : q * cols;
            int stride = byColumn ? cols : 1;
            for (int c = 0; c < candidates; c++) {
                if (candidateLabels[c] == queryLabels[q] && Ranking.rank(s, from, stride, candidates, c) < k) {
                    hits++;
                    break;
                }
            }
        }
        return (double) hits / queries;
    }
}
