package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.cpu.Simd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CortadoTest {
    private static String run(int expectedCode, String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code = Cortado.run(args, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        assertEquals(expectedCode, code);
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void devicesListsTheCpuWithItsSpeciesLanesAndThreads() {
        String output = run(0, "devices");
        assertTrue(output.contains("cpu: Vector API " + Simd.FLOAT), output);
        assertTrue(output.contains(Simd.LANES + " float lanes"), output);
        assertTrue(output.matches("(?s).*\\d+ threads?.*"), output);
        assertTrue(output.contains("[default]"), output);
        assertTrue(output.contains("reference: scalar"), output);
    }

    @Test
    void unknownCommandsAndMissingCommandsAreUsageErrors() {
        run(2, "frobnicate");
        assertTrue(run(2).contains("usage: cortado"));
        assertTrue(run(0, "help").contains("devices"));
        run(2, "devices", "extra");
    }
}
