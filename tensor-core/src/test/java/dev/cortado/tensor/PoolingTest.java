package dev.cortado.tensor;

import static dev.cortado.tensor.ConvolutionTest.expectError;
import static dev.cortado.tensor.TensorAssert.assertSame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.cortado.tensor.backend.Pool2dParams;
import org.junit.jupiter.api.Test;

/** Unbatched inputs and the pooling front-end's argument checks. */
class PoolingTest {
    private static final Pool2dParams RESNET = Pool2dParams.of(3, 2, 1);

    @Test
    void unbatchedInputPoolsLikeABatchOfOne() {
        Tensor x = Tensor.randn(1, 3, 9, 8);
        Tensor batched = x.unsqueeze(0);
        Pooling.MaxPoolResult max = Pooling.maxPool2dWithIndices(x, RESNET);
        Pooling.MaxPoolResult maxBatched = Pooling.maxPool2dWithIndices(batched, RESNET);
        assertArrayEquals(new int[] {3, 5, 4}, max.values().shape());
        assertSame(maxBatched.values().squeeze(0), max.values(), "max values");
        assertSame(maxBatched.indices().squeeze(0), max.indices(), "max indices");
        assertSame(Pooling.avgPool2d(batched, RESNET).squeeze(0), Pooling.avgPool2d(x, RESNET), "avg");
        assertSame(Pooling.adaptiveAvgPool2d(batched, 2, 3).squeeze(0), Pooling.adaptiveAvgPool2d(x, 2, 3), "adaptive");
    }

    @Test
    void unbatchedBackwardMatchesABatchOfOne() {
        Tensor x = Tensor.randn(2, 3, 9, 8);
        Tensor dy = Tensor.randn(3, 3, 5, 4);
        Pooling.MaxPoolResult max = Pooling.maxPool2dWithIndices(x, RESNET);
        assertSame(Pooling.maxPool2dBackward(dy.unsqueeze(0), max.indices().unsqueeze(0), new int[] {1, 3, 9, 8})
                .squeeze(0), Pooling.maxPool2dBackward(dy, max.indices(), x.shape()), "max backward");
        assertSame(Pooling.avgPool2dBackward(dy.unsqueeze(0), new int[] {1, 3, 9, 8}, RESNET).squeeze(0),
                Pooling.avgPool2dBackward(dy, x.shape(), RESNET), "avg backward");
        assertSame(Pooling.adaptiveAvgPool2dBackward(dy.unsqueeze(0), new int[] {1, 3, 9, 8}).squeeze(0),
                Pooling.adaptiveAvgPool2dBackward(dy, x.shape()), "adaptive backward");
    }

    @Test
    void globalAveragePoolSpreadsTheGradientEvenly() {
        Tensor dy = Tensor.fromArray(new float[] {6f, -3f}, 1, 2, 1, 1);
        Tensor dx = Pooling.adaptiveAvgPool2dBackward(dy, new int[] {1, 2, 2, 3});
        assertSame(Tensor.fromArray(new float[] {1, 1, 1, 1, 1, 1, -.5f, -.5f, -.5f, -.5f, -.5f, -.5f}, 1, 2, 2, 3),
                dx, "global average gradient");
    }

    @Test
    void backwardRejectsMismatchedGradients() {
        expectError("avgPool2dBackward: output gradient [1, 2, 2, 2] should be [1, 2, 3, 3] for input [1, 2, 5, 5]",
                () -> Pooling.avgPool2dBackward(Tensor.zeros(1, 2, 2, 2), new int[] {1, 2, 5, 5}, RESNET));
        expectError("adaptiveAvgPool2dBackward: output gradient [1, 3, 2, 2] does not have the batch and channels",
                () -> Pooling.adaptiveAvgPool2dBackward(Tensor.zeros(1, 3, 2, 2), new int[] {1, 2, 5, 5}));
        expectError("maxPool2dBackward: indices [1, 2, 3, 3] do not match the output gradient [1, 2, 2, 2]",
                () -> Pooling.maxPool2dBackward(Tensor.zeros(1, 2, 2, 2), Tensor.empty(DType.INT64, 1, 2, 3, 3),
                        new int[] {1, 2, 5, 5}));
    }

    @Test
    void rejectsBadInputs() {
        Tensor x = Tensor.zeros(1, 2, 5, 5);
        expectError("maxPool2d: expected a 4-D input [N, C, H, W] or a 3-D input [C, H, W], got [5, 5]",
                () -> Pooling.maxPool2d(Tensor.zeros(5, 5), RESNET));
        expectError("FLOAT32", () -> Pooling.avgPool2d(Tensor.empty(DType.INT64, 1, 2, 5, 5), RESNET));
        expectError("at least one channel", () -> Pooling.maxPool2d(Tensor.zeros(1, 0, 5, 5), RESNET));
        expectError("avgPool2d: average pooling has no dilation, got (2, 2)", () -> Pooling.avgPool2d(x,
                new Pool2dParams(2, 2, 1, 1, 0, 0, 2, 2, false, true)));
        expectError("maxPool2d: input [1, 2, 5, 5] is too small for kernel (7, 7)",
                () -> Pooling.maxPool2d(x, Pool2dParams.of(7, 1, 0)));
        expectError("maxPool2dWithIndices: window 0 (kernel 2, stride 1, padding 1, dilation 3) covers only padding",
                () -> Pooling.maxPool2dWithIndices(Tensor.zeros(1, 1, 2, 2),
                        new Pool2dParams(2, 2, 1, 1, 1, 1, 3, 3, false, true)));
        expectError("adaptiveAvgPool2d: output size must be at least 1×1, got 0×2",
                () -> Pooling.adaptiveAvgPool2d(x, 0, 2));
        expectError("padding <= kernel/2", () -> Pool2dParams.of(2, 2, 2));
        expectError("padding <= kernel/2", () -> Pool2dParams.of(1, 1, 1 << 30));   // 2·padding overflowed
        expectError("maxPool2d: input [1, 2, 5, 5] is too small for kernel (5, 5) with padding (0, 0) and dilation "
                + "(1073741824, 1073741824)", () -> Pooling.maxPool2d(x,
                        new Pool2dParams(5, 5, 1, 1, 0, 0, 1 << 30, 1 << 30, false, true)));   // 4·2^30 wrapped to 0
    }
}
