package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** conv2d and its gradients against PyTorch (fixtures from {@code tools/reference/gen_conv.py}), on every backend. */
class ConvolutionFixtureTest {
    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Fixtures.Case c : Fixtures.load("conv2d.json")) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, CpuBackend.shared())) {
                cases.add(Arguments.of(c, backend.name(), backend));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case c, String backendName, Backend backend) {
        int[] stride = c.intsArg("stride");
        int[] padding = c.intsArg("padding");
        int[] dilation = c.intsArg("dilation");
        Conv2dParams params = new Conv2dParams(stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1],
                c.intArg("groups"));
        Tensor x = c.input("x");
        Tensor w = c.input("w");
        Tensor bias = c.hasInput("b") ? c.input("b") : null;
        Tensor g = c.input("g");
        try (var scope = Backends.use(backend)) {
            assertClose(c.output("y"), Convolution.conv2d(x, w, bias, params), 1e-5, 1e-5, c + " y");
            assertClose(c.output("grad_input"), Convolution.conv2dInputGrad(g, w, x.shape(), params), 1e-5, 1e-5,
                    c + " grad_input");
            assertClose(c.output("grad_weight"), Convolution.conv2dWeightGrad(x, g, w.shape(), params), 1e-5, 1e-5,
                    c + " grad_weight");
        }
    }
}
