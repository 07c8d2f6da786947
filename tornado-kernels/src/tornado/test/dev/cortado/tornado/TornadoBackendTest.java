package dev.cortado.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.BinaryOp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Selection by name, device listing and graph reuse. */
class TornadoBackendTest {
    @Test
    void theNameTornadoSelectsThisBackendThroughItsProvider() {
        assertEquals("tornado", Backends.byName("tornado").name());
    }

    @Test
    void devicesAreListedWithTheSelectedOneMarked() {
        List<String> lines = new TornadoBackendProvider().describeDevices();
        assertFalse(lines.isEmpty());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("tornado 0:0 ") && line.endsWith("[selected]")),
                lines.toString());
    }

    @Test
    void aFailingKernelPrintsOneLineAndLeavesItsOpToTheCpu() throws Exception {
        TornadoBackend lenient = TornadoBackend.open(false);
        var bytes = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertFalse(lenient.offload("probe", () -> {
                throw new IllegalStateException("driver said no\nsecond line of driver output");
            }));
            assertFalse(lenient.offload("probe", () -> {
                throw new AssertionError("a task that failed once is not tried again");
            }));
        } finally {
            System.setErr(previous);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("cortado: tornado kernel 'probe' failed (driver said no); it runs on the cpu backend from now on\n",
                printed);
        assertThrows(IllegalStateException.class, () -> DeviceCheck.backend().offload("strict", () -> {
            throw new IllegalStateException("strict backends throw");
        }));
    }

    @Test
    void aRepeatedShapeReusesItsCompiledGraph() {
        TornadoBackend backend = DeviceCheck.backend();
        Tensor a = Tensor.randn(1, 3, 300);
        Tensor out = Tensor.empty(DType.FLOAT32, 3, 300);
        backend.binary(BinaryOp.ADD, a, a, out);
        int graphs = backend.compiledGraphs();
        backend.binary(BinaryOp.MUL, a, a, out);
        backend.binary(BinaryOp.SUB, a, a, out);
        assertEquals(graphs, backend.compiledGraphs());
    }
}
