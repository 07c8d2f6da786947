package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.Pool2dParams;
import java.util.Arrays;

/**
 * Max, average and adaptive average pooling over the {@code [H, W]} planes of float32 {@code [N, C, H, W]}
 * tensors (or unbatched {@code [C, H, W]}), as {@code torch.nn.functional.max_pool2d}, {@code avg_pool2d}
 * and {@code adaptive_avg_pool2d}.
 *
 * <p>Output {@code (oh, ow)} looks at input rows {@code oh·strideH - padH + kh·dilationH} for
 * {@code kh < kernelH}, likewise columns; padding never wins a max and counts toward an average's divisor
 * only with {@link Pool2dParams#countIncludePad()}. Output size per dim:
 * {@code floor_or_ceil((in + 2·pad - dilation·(kernel - 1) - 1) / stride) + 1}.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(7, 2, 64, 56, 56);                 // seed 7, [2, 64, 56, 56]
 * Tensor y = Pooling.maxPool2d(x, Pool2dParams.of(3, 2, 1));   // [2, 64, 28, 28]
 * Tensor v = Pooling.adaptiveAvgPool2d(y, 1, 1);               // [2, 64, 1, 1]
 * }</pre>
 */
public final class Pooling {
    private Pooling() {
    }

    /** Values and INT64 positions of each window's maximum; a position is {@code h·W + w} in its input plane. */
    public record MaxPoolResult(Tensor values, Tensor indices) {
    }

    /** The largest value of each window; a NaN in the window is the maximum. */
    public static Tensor maxPool2d(Tensor input, Pool2dParams params) {
        return maxPool(input, params, false).values();
    }

    /** Like {@link #maxPool2d}, also returning where each maximum was (the last NaN when there are NaNs). */
    public static MaxPoolResult maxPool2dWithIndices(Tensor input, Pool2dParams params) {
        return maxPool(input, params, true);
    }

    /**
     * The mean of each window. A window may reach into the padding (and, in ceil mode, is cut at the
     * padded border); the divisor is its area including padding when {@code countIncludePad}, else the
     * number of input positions it covers. Dilation must be 1, as in PyTorch.
     */
    public static Tensor avgPool2d(Tensor input, Pool2dParams params) {
        String op = "avgPool2d";
        Tensor x = batched(op, input);
        if (params.dilationH() != 1 || params.dilationW() != 1) {
            throw new IllegalArgumentException(op + ": average pooling has no dilation, got (" + params.dilationH()
                    + ", " + params.dilationW() + ") for input " + Shapes.str(input.shape()));
        }
        Tensor out = Tensor.zeros(outputShape(op, x, params));
        Backends.current().avgPool2d(x, params, out);
        return unbatched(input, out);
    }

    /**
     * Averages over windows that tile the input into {@code outH × outW} cells: output row i covers input
     * rows {@code [floor(i·H/outH), ceil((i+1)·H/outH))}, likewise columns.
     */
    public static Tensor adaptiveAvgPool2d(Tensor input, int outH, int outW) {
        String op = "adaptiveAvgPool2d";
        Tensor x = batched(op, input);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op + ": output size must be at least 1×1, got " + outH + "×" + outW
                    + " for input " + Shapes.str(input.shape()));
        }
        Tensor out = Tensor.zeros(x.size(0), x.size(1), outH, outW);
        Backends.current().adaptiveAvgPool2d(x, out);
        return unbatched(input, out);
    }

    /**
     * Gradient of {@link #maxPool2d} with respect to its input of shape {@code inputShape}: each output's
     * gradient goes to the input position its {@code indices} entry names (from
     * {@link #maxPool2dWithIndices}), summed where windows overlap on the same maximum.
     */
    public static Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, int[] inputShape) {
        String op = "maxPool2dBackward";
        indices.requireDType(op, DType.INT64);
        if (!Arrays.equals(indices.shape(), gradOut.shape())) {
            throw new IllegalArgumentException(op + ": indices " + Shapes.str(indices.shape())
                    + " do not match the output gradient " + Shapes.str(gradOut.shape()));
        }
        Tensor gradInput = Tensor.zeros(inputShape);
        Tensor x = batched(op, gradInput);
        Tensor dy = batched(op, gradOut);
        requireSamePlanes(op, x, dy);
        // Indices are flat positions h·W + w within each [H, W] plane: scatter along the flattened plane.
        int planeOut = dy.size(2) * dy.size(3);
        Tensor index = (indices.dim() == 3 ? indices.unsqueeze(0) : indices).reshape(dy.size(0), dy.size(1), planeOut);
        Indexing.scatterAddInPlace(x.reshape(x.size(0), x.size(1), -1), 2, index,
                dy.reshape(dy.size(0), dy.size(1), planeOut));
        return gradInput;
    }

    /**
     * Gradient of {@link #avgPool2d} with respect to its input of shape {@code inputShape}: each output's
     * gradient, divided by the divisor the forward used, is added to every input position of its window.
     */
    public static Tensor avgPool2dBackward(Tensor gradOut, int[] inputShape, Pool2dParams params) {
        String op = "avgPool2dBackward";
        Tensor gradInput = Tensor.zeros(inputShape);
        Tensor x = batched(op, gradInput);
        Tensor dy = batched(op, gradOut);
        requireGradShape(op, dy, outputShape(op, x, params), inputShape);
        Backends.current().avgPool2dBackward(dy, params, x);
        return gradInput;
    }

    /** Gradient of {@link #adaptiveAvgPool2d}: each output's gradient over its window's area, added over the window. */
    public static Tensor adaptiveAvgPool2dBackward(Tensor gradOut, int[] inputShape) {
        String op = "adaptiveAvgPool2dBackward";
        Tensor gradInput = Tensor.zeros(inputShape);
        Tensor x = batched(op, gradInput);
        Tensor dy = batched(op, gradOut);
        requireSamePlanes(op, x, dy);
        Backends.current().adaptiveAvgPool2dBackward(dy, x);
        return gradInput;
    }

    private static void requireSamePlanes(String op, Tensor x, Tensor dy) {
        if (x.size(0) != dy.size(0) || x.size(1) != dy.size(1)) {
            throw new IllegalArgumentException(op + ": output gradient " + Shapes.str(dy.shape())
                    + " does not have the batch and channels of input " + Shapes.str(x.shape()));
        }
    }

    private static void requireGradShape(String op, Tensor dy, int[] expected, int[] inputShape) {
        if (!Arrays.equals(dy.shape(), expected)) {
            throw new IllegalArgumentException(op + ": output gradient " + Shapes.str(dy.shape()) + " should be "
                    + Shapes.str(expected) + " for input " + Shapes.str(inputShape));
        }
    }

    private static MaxPoolResult maxPool(Tensor input, Pool2dParams params, boolean withIndices) {
        String op = withIndices ? "maxPool2dWithIndices" : "maxPool2d";
        Tensor x = batched(op, input);
        int[] outShape = outputShape(op, x, params);
        requireInputInEveryWindow(op, x.size(2), outShape[2], params.kernelH(), params.strideH(), params.padH(),
                params.dilationH(), input);
        requireInputInEveryWindow(op, x.size(3), outShape[3], params.kernelW(), params.strideW(), params.padW(),
                params.dilationW(), input);
        Tensor values = Tensor.zeros(outShape);
        Tensor indices = withIndices ? Tensor.empty(DType.INT64, outShape) : null;
        Backends.current().maxPool2d(x, params, values, indices);
        return new MaxPoolResult(unbatched(input, values), withIndices ? unbatched(input, indices) : null);
    }

    /** The input as [N, C, H, W]: a float32 4-D tensor as is, a 3-D one with a batch of 1 in front. */
    private static Tensor batched(String op, Tensor input) {
        input.requireDType(op, DType.FLOAT32);
        int[] shape = input.shape();
        if (shape.length != 3 && shape.length != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D input [N, C, H, W] or a 3-D input [C, H, W], got "
                    + Shapes.str(shape));
        }
        for (int d = shape.length - 3; d < shape.length; d++) {
            if (shape[d] < 1) {
                throw new IllegalArgumentException(op + ": input " + Shapes.str(shape)
                        + " needs at least one channel, row and column");
            }
        }
        return shape.length == 3 ? input.unsqueeze(0) : input;
    }

    /** result without the batch dim when the input had none. */
    private static Tensor unbatched(Tensor input, Tensor result) {
        return input.dim() == 3 ? result.squeeze(0) : result;
    }

    private static int[] outputShape(String op, Tensor x, Pool2dParams params) {
        int outH = params.outHeight(x.size(2));
        int outW = params.outWidth(x.size(3));
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(x.shape()) + " is too small for kernel ("
                    + params.kernelH() + ", " + params.kernelW() + ") with padding (" + params.padH() + ", "
                    + params.padW() + ") and dilation (" + params.dilationH() + ", " + params.dilationW()
                    + "); output would be " + outH + "×" + outW);
        }
        return new int[] {x.size(0), x.size(1), outH, outW};
    }

    /**
     * With dilation a window's taps can all fall in the padding (kernel 2, dilation 3, padding 1 over 2
     * rows). PyTorch then returns -inf with an index outside the plane; this rejects such geometry instead.
     */
    private static void requireInputInEveryWindow(String op, int size, int outSize, int kernel, int stride, int pad,
                                                  int dilation, Tensor input) {
        for (int o = 0; o < outSize; o++) {
            boolean touches = false;
            for (int k = 0; k < kernel && !touches; k++) {
                int i = o * stride - pad + k * dilation;
                touches = i >= 0 && i < size;
            }
            if (!touches) {
                throw new IllegalArgumentException(op + ": window " + o + " (kernel " + kernel + ", stride " + stride
                        + ", padding " + pad + ", dilation " + dilation + ") covers only padding of input "
                        + Shapes.str(input.shape()));
            }
        }
    }
}
