package dev.cortado.tensor.backend;

/** Reductions over trailing dims. Empty reductions give 0 (SUM), NaN (MEAN), -inf (LOGSUMEXP); MAX/MIN reject them. */
public enum ReduceOp {
    SUM,
    MEAN,
    /** Largest value; NaN if any value is NaN. */
    MAX,
    /** Smallest value; NaN if any value is NaN. */
    MIN,
    /** log Σ exp(x), computed as m + log Σ exp(x - m) with m the maximum. */
    LOGSUMEXP
}
