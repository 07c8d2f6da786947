package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU convolution kernels against the reference over many geometries and input layouts, on the shared
 * CPU backend and on one with an odd thread count (uneven work split).
 */
class ConvolutionEquivalenceTest {
    private static final List<Backend> CPU_BACKENDS = List.of(CpuBackend.shared(), new CpuBackend(3));

    /** One convolution's sizes. */
    record Geometry(String name, int batch, int channels, int height, int width, int outChannels, int kernelH,
                    int kernelW, Conv2dParams params, boolean bias) {
        int[] inputShape() {
            return new int[] {batch, channels, height, width};
        }

        int[] weightShape() {
            return new int[] {outChannels, channels / params.groups(), kernelH, kernelW};
        }

        int[] outputShape() {
            return new int[] {batch, outChannels, params.outHeight(height, kernelH), params.outWidth(width, kernelW)};
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Geometry square(String name, int batch, int channels, int size, int outChannels, int kernel,
                                   int stride, int padding, int dilation, int groups) {
        return new Geometry(name, batch, channels, size, size, outChannels, kernel, kernel,
                Conv2dParams.of(stride, padding, dilation, groups), true);
    }

    static List<Geometry> geometries() {
        return List.of(
                square("3x3 same", 3, 4, 9, 6, 3, 1, 1, 1, 1),
                new Geometry("3x3 stride 2 odd sizes", 1, 3, 11, 7, 5, 3, 3, Conv2dParams.of(2, 1, 1, 1), false),
                new Geometry("5x5 pad 2", 2, 2, 10, 12, 4, 5, 5, Conv2dParams.of(1, 2, 1, 1), true),
                new Geometry("3x3 dilation 2", 1, 4, 13, 11, 4, 3, 3, Conv2dParams.of(1, 2, 2, 1), true),
                square("7x7 stride 2 stem", 1, 3, 20, 8, 7, 2, 3, 1, 1),
                square("1x1 pointwise", 3, 8, 6, 7, 1, 1, 0, 1, 1),
                square("1x1 pointwise groups 2", 2, 8, 5, 6, 1, 1, 0, 1, 2),
                square("1x1 stride 2", 2, 5, 7, 3, 1, 2, 0, 1, 1),
                square("3x3 groups 2", 3, 6, 8, 4, 3, 1, 1, 1, 2),
                square("depthwise 3x3", 2, 6, 9, 6, 3, 1, 1, 1, 6),
                square("depthwise 5x5 multiplier 2 stride 2", 1, 3, 11, 6, 5, 2, 2, 1, 3),
                new Geometry("3x5 mixed stride, padding, dilation", 2, 3, 9, 12, 4, 3, 5,
                        new Conv2dParams(2, 1, 1, 2, 1, 2, 1), true),
                square("4x4 patch embedding", 3, 3, 16, 8, 4, 4, 0, 1, 1),
                square("kernel over a 2x2 input", 1, 2, 2, 3, 3, 1, 1, 1, 1),
                square("5x5 on one pixel", 2, 2, 1, 3, 5, 1, 2, 1, 1),
                square("stride 3 leaves a margin", 2, 2, 10, 3, 2, 3, 0, 1, 1),
                // Batches of small planes (a ViT's convolutional stem): more items than threads.
                square("batch 24, 3x3 stride 2 on 7x7", 24, 6, 7, 10, 3, 2, 1, 1, 1),
                square("batch 19, 1x1 pointwise groups 2 on 4x4", 19, 6, 4, 8, 1, 1, 0, 1, 2),
                // Enough rows per channel chunk that the input gradient walks several position tiles.
                square("64 channels 90x90", 1, 64, 90, 2, 3, 1, 1, 1, 1));
    }

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Geometry g : geometries()) {
            for (NchwLayout layout : NchwLayout.values()) {
                if (layout == NchwLayout.DENSE || g.inputShape()[1] < 64) {
                    cases.add(Arguments.of(g, layout));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void forwardAndGradientsMatchReference(Geometry g, NchwLayout layout) {
        int[] in = g.inputShape();
        int[] w = g.weightShape();
        int[] out = g.outputShape();
        Tensor x = layout.randn(1, in[0], in[1], in[2], in[3]);
        Tensor weight = layout.randn(2, w[0], w[1], w[2], w[3]);
        Tensor bias = g.bias() ? Tensor.randn(3, 2 * g.outChannels()).slice(0, 0, 2 * g.outChannels(), 2) : null;
        Tensor gradOut = layout.randn(4, out[0], out[1], out[2], out[3]);
        Conv2dParams p = g.params();

        compare(() -> Convolution.conv2d(x, weight, bias, p), w[1] * w[2] * w[3], g + " conv2d");
        compare(() -> Convolution.conv2dInputGrad(gradOut, weight, in, p), w[0] / p.groups() * w[2] * w[3],
                g + " conv2dInputGrad");
        compare(() -> Convolution.conv2dWeightGrad(x, gradOut, w, p), out[0] * out[2] * out[3],
                g + " conv2dWeightGrad");
    }

    @Test
    void emptyBatchGivesEmptyOutputAndZeroWeightGradient() {
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        Tensor x = Tensor.zeros(0, 3, 5, 5);
        Tensor weight = Tensor.randn(5, 4, 3, 3, 3);
        for (Backend cpu : CPU_BACKENDS) {
            try (var scope = Backends.use(cpu)) {
                assertArrayEquals(new int[] {0, 4, 5, 5}, Convolution.conv2d(x, weight, null, p).shape());
                assertArrayEquals(new int[] {0, 3, 5, 5},
                        Convolution.conv2dInputGrad(Tensor.zeros(0, 4, 5, 5), weight, x.shape(), p).shape());
                assertClose(Tensor.zeros(4, 3, 3, 3),
                        Convolution.conv2dWeightGrad(x, Tensor.zeros(0, 4, 5, 5), weight.shape(), p), 0, 0,
                        "weight gradient of an empty batch");
            }
        }
    }

    /**
     * Runs op on the reference and on each CPU backend. Each output element is a float sum of
     * {@code terms} products of standard normal values, so the error allowed grows with terms.
     */
    private static void compare(Supplier<Tensor> op, int terms, String what) {
        Tensor expected;
        try (var scope = Backends.use(ReferenceBackend.INSTANCE)) {
            expected = op.get();
        }
        for (Backend cpu : CPU_BACKENDS) {
            try (var scope = Backends.use(cpu)) {
                assertClose(expected, op.get(), 1e-6 * terms + 1e-6, 1e-5, what + " on " + cpu.describe());
            }
        }
    }
}
