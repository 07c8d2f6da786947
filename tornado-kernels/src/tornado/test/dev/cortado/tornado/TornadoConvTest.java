package dev.cortado.tornado;

import static dev.cortado.tornado.DeviceCheck.assertClose;
import static dev.cortado.tornado.DeviceCheck.backend;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** conv2d (im2col + SGEMM) and its input and weight gradients on the device against the CPU backend. */
class TornadoConvTest {
    private static final CpuBackend CPU = new CpuBackend(2);

    /** Runs the three convolutions of input [n, c, h, w] with o kernels of kh × kw on both backends and compares them. */
    private static void check(String what, long seed, int n, int c, int h, int w, int o, int kh, int kw,
                              Conv2dParams params, boolean bias) {
        Tensor input = Tensor.randn(seed, n, c, h, w);
        Tensor weight = Tensor.randn(seed + 1, o, c / params.groups(), kh, kw);
        Tensor b = bias ? Tensor.randn(seed + 2, o) : null;
        int[] outShape = {n, o, params.outHeight(h, kh), params.outWidth(w, kw)};
        Tensor expected = Tensor.empty(DType.FLOAT32, outShape);
        Tensor actual = Tensor.empty(DType.FLOAT32, outShape);
        CPU.conv2d(input, weight, b, params, expected);
        backend().conv2d(input, weight, b, params, actual);
        assertClose(expected, actual, "conv2d " + what);

        Tensor gradOut = Tensor.randn(seed + 3, outShape);
        Tensor expectedInput = Tensor.empty(DType.FLOAT32, n, c, h, w);
        Tensor actualInput = Tensor.empty(DType.FLOAT32, n, c, h, w);
        CPU.conv2dInputGrad(gradOut, weight, params, expectedInput);
        backend().conv2dInputGrad(gradOut, weight, params, actualInput);
        assertClose(expectedInput, actualInput, "conv2d input grad " + what);

        Tensor expectedWeight = Tensor.empty(DType.FLOAT32, weight.shape());
        Tensor actualWeight = Tensor.empty(DType.FLOAT32, weight.shape());
        CPU.conv2dWeightGrad(input, gradOut, params, expectedWeight);
        backend().conv2dWeightGrad(input, gradOut, params, actualWeight);
        assertClose(expectedWeight, actualWeight, "conv2d weight grad " + what);
    }

    @Test
    void plainThreeByThreeWithBias() {
        check("[2,3,9,9] 3x3 -> 5", 1, 2, 3, 9, 9, 5, 3, 3, Conv2dParams.of(1, 0, 1, 1), true);
    }

    @Test
    void strideTwoWithPaddingAndARectangularKernel() {
        check("[2,4,11,8] 3x2 s2 p1", 10, 2, 4, 11, 8, 6, 3, 2, new Conv2dParams(2, 2, 1, 1, 1, 1, 1), true);
    }

    @Test
    void dilationTwoAndUnevenGeometry() {
        check("[1,3,12,10] 3x3 s(1,2) p(2,1) d2", 20, 1, 3, 12, 10, 4, 3, 3, new Conv2dParams(1, 2, 2, 1, 2, 2, 1), false);
    }

    @Test
    void groupsAndDepthwise() {
        check("[2,6,7,7] 3x3 g3 p1", 30, 2, 6, 7, 7, 9, 3, 3, Conv2dParams.of(1, 1, 1, 3), true);
        check("[3,4,8,8] 3x3 depthwise s2 p1", 40, 3, 4, 8, 8, 4, 3, 3, Conv2dParams.of(2, 1, 1, 4), false);
    }

    @Test
    void patchEmbeddingOfAVisionTransformer() {
        check("[2,3,32,32] 8x8 s8 -> 48", 50, 2, 3, 32, 32, 48, 8, 8, Conv2dParams.of(8, 0, 1, 1), true);
    }

    @Test
    void transposedInputAndGradient() {
        Tensor input = Tensor.randn(60, 2, 3, 10, 10).transpose(2, 3);   // [2, 3, 10, 10], not contiguous
        Tensor weight = Tensor.randn(61, 4, 3, 3, 3);
        Conv2dParams params = Conv2dParams.of(1, 1, 1, 1);
        Tensor expected = Tensor.empty(DType.FLOAT32, 2, 4, 10, 10);
        Tensor actual = Tensor.empty(DType.FLOAT32, 2, 4, 10, 10).transpose(0, 1).contiguous().transpose(0, 1);
        CPU.conv2d(input, weight, null, params, expected);
        backend().conv2d(input, weight, null, params, actual);
        assertClose(expected, actual, "conv2d transposed input into a strided output");
    }
}
