package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The gradients as exact adjoints of the forward map, and the front-end's argument checks. */
class ConvolutionTest {
    private static final Conv2dParams SAME = Conv2dParams.of(1, 1, 1, 1);

    static List<Arguments> adjointCases() {
        List<Arguments> cases = new ArrayList<>();
        for (ConvolutionEquivalenceTest.Geometry g : ConvolutionEquivalenceTest.geometries()) {
            if (g.channels() < 64) {
                for (Backend backend : List.of(ReferenceBackend.INSTANCE, CpuBackend.shared())) {
                    cases.add(Arguments.of(g, backend.name(), backend));
                }
            }
        }
        return cases;
    }

    /**
     * conv2d is linear in x and in w, and the gradients are its adjoints, so for any g
     * {@code ⟨conv2d(x, w), g⟩ = ⟨x, inputGrad(g, w)⟩ = ⟨w, weightGrad(x, g)⟩}: a check of both gradients
     * that needs no finite differences and no tolerance beyond float rounding.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("adjointCases")
    void gradientsAreTheAdjointsOfConv2d(ConvolutionEquivalenceTest.Geometry g, String backendName, Backend backend) {
        Conv2dParams p = g.params();
        Tensor x = Tensor.randn(11, g.inputShape());
        Tensor w = Tensor.randn(12, g.weightShape());
        Tensor gradOut = Tensor.randn(13, g.outputShape());
        try (var scope = Backends.use(backend)) {
            double forward = dot(Convolution.conv2d(x, w, null, p), gradOut);
            double viaInput = dot(x, Convolution.conv2dInputGrad(gradOut, w, g.inputShape(), p));
            double viaWeight = dot(w, Convolution.conv2dWeightGrad(x, gradOut, g.weightShape(), p));
            double scale = Math.sqrt(gradOut.numel() * (double) g.weightShape()[1] * g.kernelH() * g.kernelW());
            assertEquals(forward, viaInput, 1e-5 * scale, g + ": <conv(x, w), g> vs <x, inputGrad(g, w)>");
            assertEquals(forward, viaWeight, 1e-5 * scale, g + ": <conv(x, w), g> vs <w, weightGrad(x, g)>");
        }
    }

    private static double dot(Tensor a, Tensor b) {
        float[] u = a.toFloatArray();
        float[] v = b.toFloatArray();
        double sum = 0;
        for (int i = 0; i < u.length; i++) {
            sum += (double) u[i] * v[i];
        }
        return sum;
    }

    @Test
    void channelMismatchNamesBothShapesAndGroups() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(Tensor.zeros(2, 3, 8, 8), Tensor.zeros(4, 2, 3, 3), null, SAME));
        assertEquals("conv2d: input [2, 3, 8, 8] has 3 channels but weight [4, 2, 3, 3] expects 2 × groups 1",
                e.getMessage());
    }

    @Test
    void rejectsBadShapesAndTypes() {
        Tensor x = Tensor.zeros(1, 4, 6, 6);
        Tensor w = Tensor.zeros(2, 4, 3, 3);
        expectError("4-D input", () -> Convolution.conv2d(Tensor.zeros(4, 6, 6), w, null, SAME));
        expectError("4-D input", () -> Convolution.conv2d(x, Tensor.zeros(2, 4, 9), null, SAME));
        expectError("FLOAT32", () -> Convolution.conv2d(Tensor.empty(DType.INT64, 1, 4, 6, 6), w, null, SAME));
        expectError("not divisible by groups 4",
                () -> Convolution.conv2d(x, Tensor.zeros(6, 1, 3, 3), null, Conv2dParams.of(1, 1, 1, 4)));
        expectError("has a size below 1", () -> Convolution.conv2d(x, Tensor.zeros(2, 4, 0, 3), null, SAME));
        expectError("at least one channel", () -> Convolution.conv2d(Tensor.zeros(1, 4, 0, 6), w, null, SAME));
        expectError("output would be -2×-2",
                () -> Convolution.conv2d(Tensor.zeros(1, 4, 2, 2), Tensor.zeros(2, 4, 5, 5), null,
                        Conv2dParams.of(1, 0, 1, 1)));
        expectError("conv2d: input [1, 4, 6, 6] with padding (0, 0) is smaller than weight [2, 4, 5, 5]'s kernel "
                + "dilated by (1073741824, 1073741824)", () -> Convolution.conv2d(x, Tensor.zeros(2, 4, 5, 5), null,
                        Conv2dParams.of(1, 0, 1 << 30, 1)));   // 4·2^30 wrapped to 0 in int arithmetic
        expectError("bias [3] must have shape [2]", () -> Convolution.conv2d(x, w, Tensor.zeros(3), SAME));
        expectError("need stride, dilation, groups >= 1", () -> Conv2dParams.of(0, 1, 1, 1));
    }

    @Test
    void gradientsRejectAGradOutOfTheWrongShape() {
        Tensor x = Tensor.zeros(1, 4, 6, 6);
        Tensor w = Tensor.zeros(2, 4, 3, 3);
        Tensor wrong = Tensor.zeros(1, 2, 5, 6);
        expectError("conv2dInputGrad: gradOut [1, 2, 5, 6] does not match the conv2d output [1, 2, 6, 6]",
                () -> Convolution.conv2dInputGrad(wrong, w, x.shape(), SAME));
        expectError("conv2dWeightGrad: gradOut [1, 2, 5, 6] does not match the conv2d output [1, 2, 6, 6]",
                () -> Convolution.conv2dWeightGrad(x, wrong, w.shape(), SAME));
        expectError("conv2dInputGrad: input [1, 3, 6, 6] has 3 channels",
                () -> Convolution.conv2dInputGrad(Tensor.zeros(1, 2, 6, 6), w, new int[] {1, 3, 6, 6}, SAME));
        expectError("conv2dWeightGrad: expected a 4-D input",
                () -> Convolution.conv2dWeightGrad(x, Tensor.zeros(1, 2, 6, 6), new int[] {2, 4, 3}, SAME));
    }

    static void expectError(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment),
                () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
