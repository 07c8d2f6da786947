package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertSame;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * matmul, mm and bmm against PyTorch (fixtures from {@code tools/reference/gen_matmul.py}), on every backend.
 * The fixture inputs are multiples of 1/16, so every summation order is exact and results must match bit
 * for bit.
 */
class MatmulFixtureTest {
    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return BackendCases.forEach(Fixtures.load("matmul.json"), MatmulFixtureTest::check);
    }

    private static void check(Fixtures.Case c) {
        Tensor a = c.input("a");
        Tensor b = c.input("b");
        Tensor y = switch (c.op()) {
            case "matmul" -> LinearAlgebra.matmul(a, b);
            case "mm" -> LinearAlgebra.mm(a, b);
            case "bmm" -> LinearAlgebra.bmm(a, b);
            default -> throw new IllegalArgumentException("unknown op " + c.op() + " in " + c);
        };
        assertSame(c.output("y"), y, c.toString());
    }
}
