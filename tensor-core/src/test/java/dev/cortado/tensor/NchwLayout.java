package dev.cortado.tensor;

/**
 * Ways a 4-D {@code [N, C, H, W]} test input can sit in storage, so kernels are exercised on views as well
 * as on dense tensors.
 */
public enum NchwLayout {
    /** Dense row-major. */
    DENSE,
    /** Stored as [N, H, W, C] and permuted to NCHW: channel stride 1, rows evenly spaced. */
    CHANNELS_LAST,
    /** Every second column of a twice-as-wide tensor, starting at column 1: column stride 2, offset 1. */
    STRIDED_COLUMNS;

    /** Standard normal values of shape {@code [n, c, h, w]} laid out this way. */
    public Tensor randn(long seed, int n, int c, int h, int w) {
        return switch (this) {
            case DENSE -> Tensor.randn(seed, n, c, h, w);
            case CHANNELS_LAST -> Tensor.randn(seed, n, h, w, c).permute(0, 3, 1, 2);
            case STRIDED_COLUMNS -> Tensor.randn(seed, n, c, h, 2 * w).slice(3, 1, 2 * w, 2);
        };
    }
}
