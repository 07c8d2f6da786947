package dev.cortado.tensor.backend;

/** Elementwise float32 functions of two (broadcast) arguments. */
public enum BinaryOp {
    ADD,
    SUB,
    MUL,
    DIV,
    /** a^b as C's pow: pow(x, 0) = 1, pow(1, y) = 1 (even for NaN y), pow(negative, non-integer) = NaN. */
    POW,
    /** max(a, b), NaN if either is NaN (like torch.maximum). */
    MAXIMUM,
    /** min(a, b), NaN if either is NaN (like torch.minimum). */
    MINIMUM
}
