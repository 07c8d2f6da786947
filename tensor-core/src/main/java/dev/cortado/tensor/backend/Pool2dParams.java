package dev.cortado.tensor.backend;

/**
 * Geometry of 2-D max/avg pooling, as in torch.nn.MaxPool2d / AvgPool2d. Output size per spatial dim:
 * {@code floor_or_ceil((in + 2·pad - dilation·(kernel - 1) - 1) / stride) + 1}; with ceil mode a window
 * must still start inside the input or its left padding.
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                           int dilationH, int dilationW, boolean ceilMode, boolean countIncludePad) {
    public Pool2dParams {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1
                || padH < 0 || padW < 0 || padH > kernelH / 2 || padW > kernelW / 2) {
            throw new IllegalArgumentException("pool2d: need kernel, stride, dilation >= 1 and 0 <= padding <= kernel/2,"
                    + " got kernel=(" + kernelH + ", " + kernelW + ") stride=(" + strideH + ", " + strideW
                    + ") padding=(" + padH + ", " + padW + ") dilation=(" + dilationH + ", " + dilationW + ")");
        }
    }

    /** Square window; stride defaults to the kernel size in PyTorch, pass it explicitly here. */
    public static Pool2dParams of(int kernel, int stride, int padding) {
        return new Pool2dParams(kernel, kernel, stride, stride, padding, padding, 1, 1, false, true);
    }

    public int outHeight(int inHeight) {
        return outSize(inHeight, kernelH, strideH, padH, dilationH);
    }

    public int outWidth(int inWidth) {
        return outSize(inWidth, kernelW, strideW, padW, dilationW);
    }

    private int outSize(int in, int kernel, int stride, int pad, int dilation) {
        // In long arithmetic, clamped to int: a huge dilated kernel must not wrap around to a plausible size.
        long span = (long) in + 2L * pad - (long) dilation * (kernel - 1) - 1;
        long out = (ceilMode ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
        // PyTorch: in ceil mode the last window must start inside the input or the left padding.
        if (ceilMode && (out - 1) * stride >= (long) in + pad) {
            out--;
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, out));
    }
}
