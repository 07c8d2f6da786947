package dev.cortado.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.backend.BinaryOp;
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
