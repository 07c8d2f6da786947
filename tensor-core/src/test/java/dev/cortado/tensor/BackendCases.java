package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** Runs each fixture case once per backend, as JUnit dynamic tests named "case @ backend". */
public final class BackendCases {
    /** The backends every op is checked on: the specification and the vector CPU engine (2 threads). */
    public static final List<Backend> ALL = List.of(ReferenceBackend.INSTANCE, new CpuBackend(2));

    private BackendCases() {
    }

    /**
     * Runs {@code op} on the reference backend and on {@code cpu} and asserts the results agree within
     * {@code atol + rtol·|expected|} (0, 0 for bit-identical); returns the CPU result.
     */
    public static Tensor assertCpuMatchesReference(Backend cpu, String what, double atol, double rtol,
                                                   Supplier<Tensor> op) {
        Tensor expected;
        try (var scope = Backends.use(ReferenceBackend.INSTANCE)) {
            expected = op.get();
        }
        Tensor actual;
        try (var scope = Backends.use(cpu)) {
            actual = op.get();
        }
        TensorAssert.assertClose(expected, actual, atol, rtol, what);
        return actual;
    }

    public static Stream<DynamicTest> forEach(List<Fixtures.Case> cases, Consumer<Fixtures.Case> check) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : ALL) {
            for (Fixtures.Case c : cases) {
                tests.add(DynamicTest.dynamicTest(c.name() + " @ " + backend.name(), () -> {
                    try (var scope = Backends.use(backend)) {
                        check.accept(c);
                    }
                }));
            }
        }
        return tests.stream();
    }
}
