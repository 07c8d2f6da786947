package dev.cortado.training.metrics;

/**
 * The tie rule shared by the ranking metrics: items are ordered by score, highest first, and equal scores by
 * index, lowest first (a stable sort). The rank of item {@code j} in {@code scores[from .. from + n·stride)} is
 * therefore {@code #{j' : s_j' > s_j} + #{j' < j : s_j' = s_j}}, and item j is in the top k iff rank < k. This
 * matches argmax returning the first maximum.
 */
final class Ranking {
    private Ranking() {
    }

    /** The 0-based rank of item {@code j} among the {@code n} scores at {@code from + i·stride}. */
    static int rank(float[] scores, int from, int stride, int n, int j) {
        float s = scores[from + j * stride];
        int rank = 0;
        for (int i = 0; i < n; i++) {
            float t = scores[from + i * stride];
            if (t > s || (t == s && i < j)) {
                rank++;
            }
        }
        return rank;
    }

    /** Fails unless {@code 1 ≤ k ≤ n}; {@code what} names the metric. */
    static void checkK(String what, int k, int n) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException(what + ": k = " + k + " outside [1, " + n + "] (the number of "
                    + "candidates); k larger than the candidates is an error, not clamped");
        }
    }

    /** Fails on a NaN score, which has no place in an order. */
    static void checkNoNaN(String what, float[] scores) {
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) {
                throw new IllegalArgumentException(what + ": score " + i + " is NaN");
            }
        }
    }
}
