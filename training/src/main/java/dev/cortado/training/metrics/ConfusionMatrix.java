package dev.cortado.training.metrics;

import java.util.List;

/**
 * Counts of (true class, predicted class) pairs: {@code count(t, p)} is the number of examples of class t
 * predicted as p. Rows are true classes, columns predictions, as sklearn's {@code confusion_matrix}.
 *
 * <p>For class c: TP = count(c, c), FP = Σ_{t≠c} count(t, c), FN = Σ_{p≠c} count(c, p);
 * precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·TP / (2·TP + FP + FN), each 0 when its denominator
 * is 0 (sklearn's {@code zero_division=0}).
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    private ConfusionMatrix(long[][] counts) {
        this.counts = counts;
    }

    /** The matrix of {@code predictions} against {@code labels}, both in [0, numClasses). */
    public static ConfusionMatrix of(long[] predictions, long[] labels, int numClasses) {
        Classification.checkSameLength("ConfusionMatrix", predictions, labels);
        if (numClasses < 1) {
            throw new IllegalArgumentException("ConfusionMatrix: numClasses " + numClasses + " must be ≥ 1");
        }
        long[][] counts = new long[numClasses][numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses || predictions[i] < 0 || predictions[i] >= numClasses) {
                throw new IllegalArgumentException("ConfusionMatrix: at " + i + " label " + labels[i]
                        + " / prediction " + predictions[i] + " outside [0, " + numClasses + ")");
            }
            counts[(int) labels[i]][(int) predictions[i]]++;
        }
        return new ConfusionMatrix(counts);
    }

    public int numClasses() {
        return counts.length;
    }

    /** Examples of true class {@code trueClass} predicted as {@code predicted}. */
    public long count(int trueClass, int predicted) {
        return counts[trueClass][predicted];
    }

    public long total() {
        long sum = 0;
        for (long[] row : counts) {
            for (long v : row) {
                sum += v;
            }
        }
        return sum;
    }

    public double accuracy() {
        long diagonal = 0;
        for (int c = 0; c < counts.length; c++) {
            diagonal += counts[c][c];
        }
        return (double) diagonal / total();
    }

    /** TP / (TP + FP); 0 when class c is never predicted. */
    public double precision(int c) {
        return ratio(counts[c][c], predictedAs(c));
    }

    /** TP / (TP + FN); 0 when class c never occurs. */
    public double recall(int c) {
        return ratio(counts[c][c], support(c));
    }

    /** 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall; 0 when TP + FP + FN = 0. */
    public double f1(int c) {
        long tp = counts[c][c];
        return ratio(2 * tp, predictedAs(c) + support(c));
    }

    /**
     * The mean F1 over the classes that occur in the labels or in the predictions; a class absent from both
     * (TP + FP + FN = 0) is left out of the mean rather than counted as 0 or 1. This equals sklearn's
     * {@code f1_score(y, p, average="macro")} with its default {@code labels=None}, which averages over the
     * union of the classes seen in y and p.
     */
    public double macroF1() {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < counts.length; c++) {
            if (predictedAs(c) + support(c) > 0) {
                sum += f1(c);
                present++;
            }
        }
        return sum / present;
    }

    /** Examples whose true class is c (the row sum). */
    public long support(int c) {
        long sum = 0;
        for (long v : counts[c]) {
            sum += v;
        }
        return sum;
    }

    /** Examples predicted as c (the column sum). */
    public long predictedAs(int c) {
        long sum = 0;
        for (long[] row : counts) {
            sum += row[c];
        }
        return sum;
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }

    /** A table with class indices as headers. */
    @Override
    public String toString() {
        return toString(null);
    }

    /**
     * A table: one row per true class (named by {@code classNames}, or by index when null) with its counts per
     * predicted class, then its precision and recall.
     */
    public String toString(List<String> classNames) {
        if (classNames != null && classNames.size() != counts.length) {
            throw new IllegalArgumentException("ConfusionMatrix.toString: " + classNames.size() + " names for "
                    + counts.length + " classes");
        }
        int nameWidth = "true\\pred".length();
        int cell = 5;
        for (int c = 0; c < counts.length; c++) {
            nameWidth = Math.max(nameWidth, name(classNames, c).length());
            cell = Math.max(cell, Long.toString(support(c)).length() + 1);
            cell = Math.max(cell, Long.toString(predictedAs(c)).length() + 1);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-" + nameWidth + "s", "true\\pred"));
        for (int p = 0; p < counts.length; p++) {
            sb.append(String.format("%" + cell + "d", p));
        }
        sb.append("  precision  recall\n");
        for (int t = 0; t < counts.length; t++) {
            sb.append(String.format("%-" + nameWidth + "s", name(classNames, t)));
            for (int p = 0; p < counts.length; p++) {
                sb.append(String.format("%" + cell + "d", counts[t][p]));
            }
            sb.append(String.format("  %9.4f  %6.4f%n", precision(t), recall(t)));
        }
        sb.append(String.format("accuracy %.4f, macro-F1 %.4f, %d examples", accuracy(), macroF1(), total()));
        return sb.toString();
    }

    private static String name(List<String> classNames, int c) {
        return classNames == null ? Integer.toString(c) : c + " " + classNames.get(c);
    }
}
