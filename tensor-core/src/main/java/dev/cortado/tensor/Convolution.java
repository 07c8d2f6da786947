package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.Conv2dParams;
import java.util.Arrays;

/**
 * 2-D convolution over float32 {@code [N, C, H, W]} tensors, as {@code torch.nn.functional.conv2d}, and its
 * gradients with respect to the input and the weight (as {@code torch.nn.grad.conv2d_input} and
 * {@code conv2d_weight}).
 *
 * <p>With {@code G = groups}, weight {@code [O, C/G, KH, KW]} and output channel o in group
 * {@code g = o / (O/G)}:
 * <pre>
 *   out[n, o, oh, ow] = bias[o] + Σ_{c, kh, kw} weight[o, c, kh, kw]
 *                                   · x[n, g·C/G + c, oh·sH - pH + kh·dH, ow·sW - pW + kw·dW]
 *   OH = floor((H + 2·pH - dH·(KH - 1) - 1) / sH) + 1   (likewise OW)
 * </pre>
 * where positions outside the input read as zero. The two gradients are the adjoints of this linear map:
 * {@code ⟨conv2d(x, w), g⟩ = ⟨x, conv2dInputGrad(g, w)⟩ = ⟨w, conv2dWeightGrad(x, g)⟩}.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(1, 8, 3, 32, 32);                                // seed 1, [8, 3, 32, 32]
 * Tensor w = Tensor.randn(2, 16, 3, 3, 3);
 * Tensor y = Convolution.conv2d(x, w, null, Conv2dParams.of(1, 1, 1, 1));   // [8, 16, 32, 32]
 * }</pre>
 */
public final class Convolution {
    private Convolution() {
    }

    /**
     * {@code conv2d(input [N, C, H, W], weight [O, C/groups, KH, KW]) + bias [O]} → {@code [N, O, OH, OW]};
     * bias may be null.
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        String op = "conv2d";
        input.requireDType(op, DType.FLOAT32);
        weight.requireDType(op, DType.FLOAT32);
        int[] outShape = outputShape(op, input.shape(), weight.shape(), params);
        if (bias != null) {
            bias.requireDType(op, DType.FLOAT32);
            if (bias.dim() != 1 || bias.size(0) != outShape[1]) {
                throw new IllegalArgumentException(op + ": bias " + Shapes.str(bias.shape()) + " must have shape ["
                        + outShape[1] + "] for weight " + Shapes.str(weight.shape()));
            }
        }
        Tensor out = Tensor.zeros(outShape);
        Backends.current().conv2d(input, weight, bias, params, out);
        return out;
    }

    /**
     * The gradient of {@link #conv2d} with respect to its input: from {@code gradOut [N, O, OH, OW]} and the
     * weight, a tensor of {@code inputShape}. The input shape is needed because with stride &gt; 1 several
     * input sizes give the same output size.
     */
    public static Tensor conv2dInputGrad(Tensor gradOut, Tensor weight, int[] inputShape, Conv2dParams params) {
        String op = "conv2dInputGrad";
        gradOut.requireDType(op, DType.FLOAT32);
        weight.requireDType(op, DType.FLOAT32);
        requireGradOut(op, gradOut, outputShape(op, inputShape, weight.shape(), params), inputShape, weight.shape());
        Tensor gradInput = Tensor.zeros(inputShape);
        Backends.current().conv2dInputGrad(gradOut, weight, params, gradInput);
        return gradInput;
    }

    /**
     * The gradient of {@link #conv2d} with respect to its weight: {@code Σ_n} over the batch of the
     * correlation of gradOut with the input, a tensor of {@code weightShape} {@code [O, C/groups, KH, KW]}.
     */
    public static Tensor conv2dWeightGrad(Tensor input, Tensor gradOut, int[] weightShape, Conv2dParams params) {
        String op = "conv2dWeightGrad";
        input.requireDType(op, DType.FLOAT32);
        gradOut.requireDType(op, DType.FLOAT32);
        requireGradOut(op, gradOut, outputShape(op, input.shape(), weightShape, params), input.shape(), weightShape);
        Tensor gradWeight = Tensor.zeros(weightShape);
        Backends.current().conv2dWeightGrad(input, gradOut, params, gradWeight);
        return gradWeight;
    }

    /**
     * Checks that input and weight shapes fit together under params and returns the output shape
     * {@code [N, O, OH, OW]}. The batch may be empty; every other size must be at least 1.
     */
    private static int[] outputShape(String op, int[] input, int[] weight, Conv2dParams params) {
        if (input.length != 4 || weight.length != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D input [N, C, H, W] and a 4-D weight "
                    + "[O, C/groups, KH, KW], got input " + Shapes.str(input) + " and weight " + Shapes.str(weight));
        }
        if (input[0] < 0 || input[1] < 1 || input[2] < 1 || input[3] < 1) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(input)
                    + " needs at least one channel, row and column");
        }
        for (int size : weight) {
            if (size < 1) {
                throw new IllegalArgumentException(op + ": weight " + Shapes.str(weight) + " has a size below 1");
            }
        }
        int groups = params.groups();
        if (weight[0] % groups != 0) {
            throw new IllegalArgumentException(op + ": weight " + Shapes.str(weight) + " has " + weight[0]
                    + " output channels, not divisible by groups " + groups);
        }
        if (input[1] != weight[1] * groups) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(input) + " has " + input[1]
                    + " channels but weight " + Shapes.str(weight) + " expects " + weight[1] + " × groups " + groups);
        }
        int outH = params.outHeight(input[2], weight[2]);
        int outW = params.outWidth(input[3], weight[3]);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(input) + " with padding ("
                    + params.padH() + ", " + params.padW() + ") is smaller than weight " + Shapes.str(weight)
                    + "'s kernel dilated by (" + params.dilationH() + ", " + params.dilationW() + "); output would be "
                    + outH + "×" + outW);
        }
        return new int[] {input[0], weight[0], outH, outW};
    }

    private static void requireGradOut(String op, Tensor gradOut, int[] expected, int[] input, int[] weight) {
        if (!Arrays.equals(gradOut.shape(), expected)) {
            throw new IllegalArgumentException(op + ": gradOut " + Shapes.str(gradOut.shape())
                    + " does not match the conv2d output " + Shapes.str(expected) + " of input " + Shapes.str(input)
                    + " and weight " + Shapes.str(weight));
        }
    }
}
