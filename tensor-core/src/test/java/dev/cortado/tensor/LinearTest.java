package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@link LinearAlgebra#linear}, x·Wᵀ + b, against the reference backend's separate product and add, on shapes
 * that reach every SGEMM path with the bias fused or added afterwards: tiny (plain loops), one row (thin),
 * a short batch (dot products), packed full and edge tiles, depth over one 512-deep block (the bias only in
 * the first) and width over one 1024-wide block; inputs contiguous, 3-D and strided; a strided bias.
 * Tolerance as in {@link MatmulEquivalenceTest}: atol 1e-5·√K, rtol 1e-5 (the order of the bias addition
 * differs from the reference's by one rounding).
 */
class LinearTest {
    private static final List<Backend> BACKENDS = List.of(CpuBackend.shared(), new CpuBackend(1), new CpuBackend(3),
            ReferenceBackend.INSTANCE);

    static List<Arguments> cases() {
        return List.of(
                Arguments.of("tiny", new int[] {2, 3}, 2),
                Arguments.of("one row", new int[] {1, 70}, 45),
                Arguments.of("short batch", new int[] {19, 387}, 205),
                Arguments.of("packed, edge tiles", new int[] {37, 50}, 70),
                Arguments.of("packed, depth over one block", new int[] {40, 600}, 45),
                Arguments.of("packed, width over one block", new int[] {40, 20}, 1100),
                Arguments.of("3-D input", new int[] {3, 17, 40}, 33));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesProductPlusBias(String name, int[] xShape, int outFeatures) {
        int in = xShape[xShape.length - 1];
        Tensor x = Tensor.randn(1, xShape);
        Tensor weight = Tensor.randn(2, outFeatures, in);
        Tensor bias = Tensor.randn(3, outFeatures);
        check(x, weight, bias, in);
    }

    @Test
    void stridedInputsAndBias() {
        Tensor x = Tensor.randn(4, 60, 41).t();                                  // [41, 60], columns strided
        Tensor weight = Tensor.randn(5, 60, 2 * 33).slice(1, 0, 66, 2).t();     // [33, 60] from a strided view
        Tensor bias = Tensor.randn(6, 2 * 33).slice(0, 1, 66, 2);                // [33], every other value
        check(x, weight, bias, 60);
    }

    @Test
    void withoutBiasIsThePlainProduct() {
        Tensor x = Tensor.randn(7, 13, 20);
        Tensor weight = Tensor.randn(8, 9, 20);
        assertArrayEquals(LinearAlgebra.matmul(x, weight.t()).toFloatArray(),
                LinearAlgebra.linear(x, weight, null).toFloatArray());
    }

    @Test
    void zeroInputFeaturesGiveTheBias() {
        for (Backend backend : BACKENDS) {
            try (var scope = Backends.use(backend)) {
                Tensor out = LinearAlgebra.linear(Tensor.zeros(2, 0), Tensor.zeros(3, 0),
                        Tensor.fromArray(new float[] {1, 2, 3}, 3));
                assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, out.toFloatArray(), backend.name());
            }
        }
    }

    @Test
    void badShapesNameTheOpAndShapes() {
        Tensor weight = Tensor.randn(9, 4, 5);
        IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
                () -> LinearAlgebra.linear(Tensor.randn(10, 3, 6), weight, null));
        assertTrue(input.getMessage().contains("linear: input [3, 6] does not match weight [4, 5]"), input.getMessage());
        IllegalArgumentException bias = assertThrows(IllegalArgumentException.class,
                () -> LinearAlgebra.linear(Tensor.randn(11, 3, 5), weight, Tensor.randn(12, 5)));
        assertTrue(bias.getMessage().contains("linear: bias [5] does not match weight [4, 5]"), bias.getMessage());
    }

    private static void check(Tensor x, Tensor weight, Tensor bias, int k) {
        Tensor expected;
        try (var scope = Backends.use(ReferenceBackend.INSTANCE)) {
            expected = Elementwise.add(LinearAlgebra.matmul(x, weight.t()), bias);
        }
        for (Backend backend : BACKENDS) {
            try (var scope = Backends.use(backend)) {
                Tensor actual = LinearAlgebra.linear(x, weight, bias);
                assertArrayEquals(expected.shape(), actual.shape());
                assertClose(expected, actual, 1e-5 * Math.sqrt(k), 1e-5, "linear on " + backend);
            }
        }
    }
}
