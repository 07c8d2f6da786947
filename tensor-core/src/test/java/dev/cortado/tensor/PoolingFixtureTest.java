package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static dev.cortado.tensor.TensorAssert.assertSame;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.Pool2dParams;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Max, average and adaptive pooling against PyTorch (fixtures from {@code tools/reference/gen_conv.py}). */
class PoolingFixtureTest {
    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Fixtures.Case c : Fixtures.load("pool2d.json")) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, CpuBackend.shared())) {
                cases.add(Arguments.of(c, backend.name(), backend));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case c, String backendName, Backend backend) {
        Tensor x = c.input("x");
        try (var scope = Backends.use(backend)) {
            switch (c.op()) {
                case "max_pool2d" -> {
                    Pool2dParams params = params(c, c.intsArg("dilation"), true);
                    Pooling.MaxPoolResult result = Pooling.maxPool2dWithIndices(x, params);
                    assertSame(c.output("values"), result.values(), c + " values");
                    assertSame(c.output("indices"), result.indices(), c + " indices");
                }
                case "avg_pool2d" -> assertClose(c.output("y"),
                        Pooling.avgPool2d(x, params(c, new int[] {1, 1}, c.boolArg("count_include_pad"))), 1e-6, 1e-6,
                        c + " y");
                case "adaptive_avg_pool2d" -> {
                    int[] size = c.intsArg("output_size");
                    assertClose(c.output("y"), Pooling.adaptiveAvgPool2d(x, size[0], size[1]), 1e-6, 1e-6, c + " y");
                }
                default -> throw new IllegalArgumentException("unknown fixture op " + c.op());
            }
        }
    }

    private static Pool2dParams params(Fixtures.Case c, int[] dilation, boolean countIncludePad) {
        int[] kernel = c.intsArg("kernel");
        int[] stride = c.intsArg("stride");
        int[] padding = c.intsArg("padding");
        return new Pool2dParams(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], dilation[0],
                dilation[1], c.boolArg("ceil_mode"), countIncludePad);
    }
}
