package dev.cortado.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * ONNX's backend test cases (Debian libonnx-testdata) through {@link OnnxModule}: no case whose operators
 * are all supported may fail, and at least the recorded number must pass (tolerances: {@link Conformance}).
 */
class OnnxConformanceTest {
    private static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");

    @Test
    void backendTestCasesPass() {
        assumeTrue(Files.isDirectory(DATA), "libonnx-testdata is not installed");
        int minimumPassed = 559;   // node 495, pytorch-converted 43, pytorch-operator 15, simple 6
        Conformance.Report total = new Conformance.Report(List.of());
        StringBuilder summary = new StringBuilder();
        for (String suite : List.of("node", "pytorch-converted", "pytorch-operator", "simple")) {
            Conformance.Report report = Conformance.run(List.of(DATA.resolve(suite)));
            summary.append(suite).append(": ").append(report.summary()).append('\n');
            total = new Conformance.Report(java.util.stream.Stream.concat(total.cases().stream(),
                    report.cases().stream()).toList());
        }
        String failures = total.cases().stream().filter(c -> c.status() == Conformance.Status.FAILED)
                .map(c -> c.name() + ": " + c.message()).collect(Collectors.joining("\n"));
        System.out.println(summary);
        System.out.println(failures);
        assertEquals(0, total.count(Conformance.Status.FAILED), summary + failures);
        assertTrue(total.count(Conformance.Status.PASSED) >= minimumPassed, summary.toString());
    }
}
