package dev.cortado.tensor.backend;

/** Elementwise comparisons producing a BOOL tensor (IEEE semantics: NaN compares unequal to everything). */
public enum CompareOp {
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE
}
