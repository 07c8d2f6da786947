package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Conv2dParams;
import org.junit.jupiter.api.Test;

/** Central-difference checks of conv2d over its options (tolerances: {@link GradCheck#standard()}). */
class ConvOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    private static void conv(String what, int[] input, int[] weight, boolean bias, Conv2dParams params) {
        Tensor x = Tensor.randn(1, input);
        Tensor w = dev.cortado.tensor.Elementwise.mul(Tensor.randn(2, weight), 0.5f);
        if (bias) {
            CHECK.check("conv2d " + what, v -> ConvOps.conv2d(v[0], v[1], v[2], params), x, w, Tensor.randn(3, weight[0]));
        } else {
            CHECK.check("conv2d " + what + " without bias", v -> ConvOps.conv2d(v[0], v[1], null, params), x, w);
        }
    }

    @Test
    void plainAndStrided() {
        conv("3x3", new int[] {2, 3, 5, 5}, new int[] {4, 3, 3, 3}, true, Conv2dParams.of(1, 0, 1, 1));
        conv("3x3", new int[] {1, 2, 4, 5}, new int[] {3, 2, 3, 3}, false, Conv2dParams.of(1, 0, 1, 1));
        conv("stride 2 padding 1", new int[] {2, 2, 7, 6}, new int[] {3, 2, 3, 3}, true, Conv2dParams.of(2, 1, 1, 1));
        conv("1x1", new int[] {2, 4, 3, 3}, new int[] {2, 4, 1, 1}, true, Conv2dParams.of(1, 0, 1, 1));
        conv("2x3 kernel, stride (2, 1), padding (0, 1)", new int[] {1, 2, 6, 5}, new int[] {2, 2, 2, 3}, true,
                new Conv2dParams(2, 1, 0, 1, 1, 1, 1));
    }

    @Test
    void dilatedAndGrouped() {
        conv("dilation 2 padding 2", new int[] {1, 2, 7, 7}, new int[] {2, 2, 3, 3}, true, Conv2dParams.of(1, 2, 2, 1));
        conv("groups 2", new int[] {2, 4, 5, 5}, new int[] {6, 2, 3, 3}, true, Conv2dParams.of(1, 1, 1, 2));
        conv("depthwise stride 2", new int[] {1, 3, 6, 6}, new int[] {3, 1, 3, 3}, false, Conv2dParams.of(2, 1, 1, 3));
    }
}
