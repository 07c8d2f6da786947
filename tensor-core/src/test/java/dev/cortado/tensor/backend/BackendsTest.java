package dev.cortado.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.cpu.CpuBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BackendsTest {
    @Test
    void builtInNamesNeedNoProvider() {
        assertEquals("cpu", Backends.byName("cpu").name());
        assertEquals("reference", Backends.byName("reference").name());
    }

    @Test
    void tornadoOutsideThisBuildFallsBackToCpuWithOneLine() {
        var bytes = new ByteArrayOutputStream();
        Backend backend = Backends.resolve("tornado", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(CpuBackend.shared(), backend);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.startsWith("cortado: backend 'tornado' unavailable: this build has no TornadoVM backend"),
                printed);
    }

    @Test
    void unknownNameIsRejectedWithTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("quantum"));
        assertTrue(e.getMessage().contains("unknown backend 'quantum'") && e.getMessage().contains("tornado"),
                e.getMessage());
    }
}
