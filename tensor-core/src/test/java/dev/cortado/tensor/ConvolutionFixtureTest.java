package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;

import dev.cortado.tensor.backend.Conv2dParams;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** conv2d and its gradients against PyTorch (fixtures from {@code tools/reference/gen_conv.py}), on every backend. */
class ConvolutionFixtureTest {
    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return BackendCases.forEach(Fixtures.load("conv2d.json"), ConvolutionFixtureTest::check);
    }

    private static void check(Fixtures.Case c) {
        int[] stride = c.intsArg("stride");
        int[] padding = c.intsArg("padding");
        int[] dilation = c.intsArg("dilation");
        Conv2dParams params = new Conv2dParams(stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1],
                c.intArg("groups"));
        Tensor x = c.input("x");
        Tensor w = c.input("w");
        Tensor bias = c.hasInput("b") ? c.input("b") : null;
        Tensor g = c.input("g");
        assertClose(c.output("y"), Convolution.conv2d(x, w, bias, params), 1e-5, 1e-5, c + " y");
        assertClose(c.output("grad_input"), Convolution.conv2dInputGrad(g, w, x.shape(), params), 1e-5, 1e-5,
                c + " grad_input");
        assertClose(c.output("grad_weight"), Convolution.conv2dWeightGrad(x, g, w.shape(), params), 1e-5, 1e-5,
                c + " grad_weight");
    }
}
