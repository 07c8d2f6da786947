package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertSame;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * matmul, mm and bmm against PyTorch (fixtures from {@code tools/reference/gen_matmul.py}), on every backend.
 * The fixture inputs are multiples of 1/16, so every summation order is exact and results must match bit
 * for bit.
 */
class MatmulFixtureTest {
    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Fixtures.Case c : Fixtures.load("matmul.json")) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, CpuBackend.shared())) {
                cases.add(Arguments.of(c, backend.name(), backend));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case c, String backendName, Backend backend) {
        Tensor a = c.input("a");
        Tensor b = c.input("b");
        try (var scope = Backends.use(backend)) {
            Tensor y = switch (c.op()) {
                case "matmul" -> LinearAlgebra.matmul(a, b);
                case "mm" -> LinearAlgebra.mm(a, b);
                case "bmm" -> LinearAlgebra.bmm(a, b);
                default -> throw new IllegalArgumentException("unknown op " + c.op() + " in " + c);
            };
            assertSame(c.output("y"), y, c.toString());
        }
    }
}
