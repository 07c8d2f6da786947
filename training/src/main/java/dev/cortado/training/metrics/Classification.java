package dev.cortado.training.metrics;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;

/**
 * Classification metrics from logits [N, C] (any monotone scores: logits, probabilities, similarities) and
 * labels INT64 [N] in [0, C).
 *
 * <p>Ties between scores follow {@link Ranking}: the lower class index ranks first, so the prediction is the
 * first maximum, as torch.argmax.
 */
public final class Classification {
    private Classification() {
    }

    /** The predicted class of each row: the index of its first maximum. Returns [N] as long[]. */
    public static long[] predictions(Tensor logits) {
        int[] nc = checkLogits("predictions", logits);
        float[] s = logits.toFloatArray();
        Ranking.checkNoNaN("predictions", s);
        long[] out = new long[nc[0]];
        for (int i = 0; i < nc[0]; i++) {
            int best = 0;
            for (int c = 1; c < nc[1]; c++) {
                if (s[i * nc[1] + c] > s[i * nc[1] + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Share of rows whose first maximum is the label: (1/N) Σᵢ [argmax_c logits[i, c] = yᵢ]. */
    public static double accuracy(Tensor logits, Tensor labels) {
        return topKAccuracy(logits, labels, 1);
    }

    /** Share of predictions equal to the labels. */
    public static double accuracy(long[] predictions, long[] labels) {
        checkSameLength("accuracy", predictions, labels);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    /**
     * Share of rows whose label is among the {@code k} highest scores, ties broken by class index.
     *
     * @throws IllegalArgumentException unless 1 ≤ k ≤ C
     */
    public static double topKAccuracy(Tensor logits, Tensor labels, int k) {
        int[] nc = checkLogits("topKAccuracy", logits);
        long[] y = labelArray("topKAccuracy", labels, nc[0], nc[1]);
        Ranking.checkK("topKAccuracy", k, nc[1]);
        float[] s = logits.toFloatArray();
        Ranking.checkNoNaN("topKAccuracy", s);
        int correct = 0;
        for (int i = 0; i < nc[0]; i++) {
            if (Ranking.rank(s, i * nc[1], 1, nc[1], (int) y[i]) < k) {
                correct++;
            }
        }
        return (double) correct / nc[0];
    }

    /** Macro-F1 of the predictions (see {@link ConfusionMatrix#macroF1()} for the rule on absent classes). */
    public static double macroF1(long[] predictions, long[] labels, int numClasses) {
        return ConfusionMatrix.of(predictions, labels, numClasses).macroF1();
    }

    /** Macro-F1 of the first-maximum predictions of {@code logits}. */
    public static double macroF1(Tensor logits, Tensor labels) {
        int[] nc = checkLogits("macroF1", logits);
        return macroF1(predictions(logits), labelArray("macroF1", labels, nc[0], nc[1]), nc[1]);
    }

    private static int[] checkLogits(String what, Tensor logits) {
        logits.requireDType(what, DType.FLOAT32);
        if (logits.dim() != 2 || logits.size(0) == 0 || logits.size(1) == 0) {
            throw new IllegalArgumentException(what + ": expected logits [N, C] with N, C ≥ 1, got shape "
                    + Arrays.toString(logits.shape()));
        }
        return new int[] {logits.size(0), logits.size(1)};
    }

    static long[] labelArray(String what, Tensor labels, int n, int classes) {
        labels.requireDType(what, DType.INT64);
        if (labels.dim() != 1 || labels.size(0) != n) {
            throw new IllegalArgumentException(what + ": expected labels [" + n + "], got shape "
                    + Arrays.toString(labels.shape()));
        }
        long[] y = labels.toLongArray();
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException(what + ": label " + y[i] + " at " + i + " outside [0, " + classes
                        + ")");
            }
        }
        return y;
    }

    static void checkSameLength(String what, long[] predictions, long[] labels) {
        if (predictions.length != labels.length || labels.length == 0) {
            throw new IllegalArgumentException(what + ": need equally many predictions and labels (≥ 1), got "
                    + predictions.length + " and " + labels.length);
        }
    }
}
