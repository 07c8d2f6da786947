package dev.cortado.tensor.backend;

/** Elementwise float32 functions of one argument. The reference backend defines each exactly. */
public enum UnaryOp {
    NEG,
    ABS,
    EXP,
    /** Natural log; log(0) = -inf, log(x < 0) = NaN. */
    LOG,
    SQRT,
    /** 1 / sqrt(x). */
    RSQRT,
    RECIPROCAL,
    SQUARE,
    TANH,
    /** 1 / (1 + e^-x). */
    SIGMOID,
    RELU,
    /** x · Φ(x) = x/2 · (1 + erf(x/√2)). */
    GELU_ERF,
    /** x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³))). */
    GELU_TANH,
    /** x · sigmoid(x). */
    SILU,
    SIN,
    COS,
    /** The error function, 2/√π ∫₀ˣ e^(-t²) dt. */
    ERF
}
