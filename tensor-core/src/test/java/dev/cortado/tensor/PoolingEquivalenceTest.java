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
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CPU pooling kernels against the reference over window geometries and input layouts. */
class PoolingEquivalenceTest {
    private static final List<Backend> CPU_BACKENDS = List.of(CpuBackend.shared(), new CpuBackend(3));

    /** One pooling input size and window geometry. */
    record Geometry(String name, int batch, int channels, int height, int width, Pool2dParams params) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Pool2dParams window(int kernelH, int kernelW, int stride, int padding, int dilation, boolean ceil,
                                       boolean countIncludePad) {
        return new Pool2dParams(kernelH, kernelW, stride, stride, padding, padding, dilation, dilation, ceil,
                countIncludePad);
    }

    static List<Geometry> geometries() {
        return List.of(
                new Geometry("2x2 stride 2", 2, 3, 8, 8, window(2, 2, 2, 0, 1, false, true)),
                new Geometry("3x3 stride 2 pad 1 (ResNet)", 3, 4, 13, 11, window(3, 3, 2, 1, 1, false, true)),
                new Geometry("3x3 stride 2 pad 1 ceil", 1, 2, 10, 9, window(3, 3, 2, 1, 1, true, true)),
                new Geometry("2x2 stride 2 ceil odd sizes", 2, 2, 7, 5, window(2, 2, 2, 0, 1, true, true)),
                new Geometry("3x3 stride 1 pad 1 exclude pad", 1, 3, 6, 7, window(3, 3, 1, 1, 1, false, false)),
                new Geometry("3x3 stride 2 pad 1 ceil exclude pad", 2, 2, 10, 10, window(3, 3, 2, 1, 1, true, false)),
                new Geometry("2x4 stride 3", 1, 3, 9, 14, window(2, 4, 3, 1, 1, false, true)),
                new Geometry("5x5 stride 3 pad 2 ceil", 1, 2, 11, 12, window(5, 5, 3, 2, 1, true, true)),
                new Geometry("global 7x7", 2, 5, 7, 7, window(7, 7, 1, 0, 1, false, true)),
                new Geometry("2x20 wide windows", 1, 2, 6, 41, window(2, 20, 3, 1, 1, false, false)),
                new Geometry("3x3 stride 1 big plane", 1, 2, 96, 96, window(3, 3, 1, 1, 1, false, true)));
    }

    static List<Geometry> dilatedGeometries() {
        return List.of(
                new Geometry("3x3 dilation 2 pad 1", 2, 3, 11, 10, window(3, 3, 1, 1, 2, false, true)),
                new Geometry("2x2 dilation 3 stride 2 ceil", 1, 2, 12, 9, window(2, 2, 2, 1, 3, true, true)));
    }

    static List<Arguments> cases(List<Geometry> geometries) {
        List<Arguments> cases = new ArrayList<>();
        for (Geometry g : geometries) {
            for (NchwLayout layout : NchwLayout.values()) {
                cases.add(Arguments.of(g, layout));
            }
        }
        return cases;
    }

    static List<Arguments> maxCases() {
        List<Geometry> all = new ArrayList<>(geometries());
        all.addAll(dilatedGeometries());
        return cases(all);
    }

    static List<Arguments> avgCases() {
        return cases(geometries());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("maxCases")
    void maxPoolValuesAndIndicesMatchReferenceWithTiesAndNaN(Geometry g, NchwLayout layout) {
        Tensor x = input(g, layout);
        // Rounded values make ties; NaN and -inf test the comparison rule.
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, Float.NaN, Float.POSITIVE_INFINITY};
        for (int i = 0; i < special.length; i++) {
            x.set(special[i], i % g.batch(), i % g.channels(), (3 * i + 1) % g.height(), (5 * i + 2) % g.width());
        }
        Pooling.MaxPoolResult expected = onReference(() -> Pooling.maxPool2dWithIndices(x, g.params()));
        for (Backend cpu : CPU_BACKENDS) {
            try (var scope = Backends.use(cpu)) {
                Pooling.MaxPoolResult actual = Pooling.maxPool2dWithIndices(x, g.params());
                assertSame(expected.values(), actual.values(), g + " max values");
                assertSame(expected.indices(), actual.indices(), g + " max indices");
                assertSame(expected.values(), Pooling.maxPool2d(x, g.params()), g + " max without indices");
            }
        }
        Tensor gradOut = layout.randn(6, g.batch(), g.channels(), expected.values().size(2), expected.values().size(3));
        compare(() -> Pooling.maxPool2dBackward(gradOut, expected.indices(), x.shape()), g + " max backward");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("avgCases")
    void avgPoolBackwardMatchesReference(Geometry g, NchwLayout layout) {
        int[] inShape = {g.batch(), g.channels(), g.height(), g.width()};
        Tensor gradOut = layout.randn(7, g.batch(), g.channels(), g.params().outHeight(g.height()),
                g.params().outWidth(g.width()));
        compare(() -> Pooling.avgPool2dBackward(gradOut, inShape, g.params()), g + " avg backward");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("avgCases")
    void avgPoolMatchesReference(Geometry g, NchwLayout layout) {
        Tensor x = input(g, layout);
        compare(() -> Pooling.avgPool2d(x, g.params()), g + " avg");
    }

    @ParameterizedTest(name = "{0}x{1} to {2}x{3}")
    @MethodSource("adaptiveSizes")
    void adaptiveAvgPoolMatchesReference(int height, int width, int outH, int outW) {
        for (NchwLayout layout : NchwLayout.values()) {
            Tensor x = layout.randn(9, 2, 3, height, width);
            compare(() -> Pooling.adaptiveAvgPool2d(x, outH, outW), layout + " adaptive");
            Tensor gradOut = layout.randn(10, 2, 3, outH, outW);
            compare(() -> Pooling.adaptiveAvgPool2dBackward(gradOut, x.shape()), layout + " adaptive backward");
        }
    }

    static List<Arguments> adaptiveSizes() {
        return List.of(Arguments.of(7, 7, 1, 1), Arguments.of(10, 10, 3, 3), Arguments.of(5, 7, 7, 3),
                Arguments.of(9, 9, 4, 5), Arguments.of(14, 14, 7, 7));
    }

    /** Standard normal values rounded to quarters, so windows hold ties. */
    private static Tensor input(Geometry g, NchwLayout layout) {
        Tensor x = layout.randn(5, g.batch(), g.channels(), g.height(), g.width());
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                for (int h = 0; h < g.height(); h++) {
                    for (int w = 0; w < g.width(); w++) {
                        x.set(Math.round(x.get(n, c, h, w) * 4) / 4f, n, c, h, w);
                    }
                }
            }
        }
        return x;
    }

    private static <T> T onReference(Supplier<T> op) {
        try (var scope = Backends.use(ReferenceBackend.INSTANCE)) {
            return op.get();
        }
    }

    private static void compare(Supplier<Tensor> op, String what) {
        Tensor expected = onReference(op);
        for (Backend cpu : CPU_BACKENDS) {
            try (var scope = Backends.use(cpu)) {
                assertClose(expected, op.get(), 1e-6, 1e-5, what + " on " + cpu.describe());
            }
        }
    }
}
