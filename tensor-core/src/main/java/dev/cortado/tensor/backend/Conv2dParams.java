package dev.cortado.tensor.backend;

/**
 * Geometry of a 2-D convolution, as in torch.nn.functional.conv2d. Output size per spatial dim:
 * {@code out = floor((in + 2·pad - dilation·(kernel - 1) - 1) / stride) + 1}.
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    public Conv2dParams {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: need stride, dilation, groups >= 1 and padding >= 0, got "
                    + "stride=(" + strideH + ", " + strideW + ") padding=(" + padH + ", " + padW + ") dilation=("
                    + dilationH + ", " + dilationW + ") groups=" + groups);
        }
    }

    /** Same stride, padding and dilation in both spatial dims. */
    public static Conv2dParams of(int stride, int padding, int dilation, int groups) {
        return new Conv2dParams(stride, stride, padding, padding, dilation, dilation, groups);
    }

    public int outHeight(int inHeight, int kernelH) {
        return outSize(inHeight, kernelH, strideH, padH, dilationH);
    }

    public int outWidth(int inWidth, int kernelW) {
        return outSize(inWidth, kernelW, strideW, padW, dilationW);
    }

    /** In long arithmetic, clamped to int: a huge dilated kernel must not wrap around to a plausible size. */
    private static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        long out = Math.floorDiv((long) in + 2L * pad - (long) dilation * (kernel - 1) - 1, stride) + 1;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, out));
    }
}
