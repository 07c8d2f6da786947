package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static dev.cortado.tensor.TensorAssert.assertSame;

import dev.cortado.tensor.backend.Pool2dParams;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Max, average and adaptive pooling against PyTorch (fixtures from {@code tools/reference/gen_conv.py}). */
class PoolingFixtureTest {
    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return BackendCases.forEach(Fixtures.load("pool2d.json"), PoolingFixtureTest::check);
    }

    private static void check(Fixtures.Case c) {
        Tensor x = c.input("x");
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

    private static Pool2dParams params(Fixtures.Case c, int[] dilation, boolean countIncludePad) {
        int[] kernel = c.intsArg("kernel");
        int[] stride = c.intsArg("stride");
        int[] padding = c.intsArg("padding");
        return new Pool2dParams(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], dilation[0],
                dilation[1], c.boolArg("ceil_mode"), countIncludePad);
    }
}
