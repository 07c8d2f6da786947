package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    void devicesSaysWhyTornadoIsMissingAndBackendTornadoFallsBackToTheCpu() {
        String output = run(0, "devices", "--backend", "tornado");
        assertTrue(output.contains("tornado: this build has no TornadoVM backend"), output);
        assertTrue(output.contains("cpu: Vector API") && output.contains("[default]"), output);
        run(2, "devices", "--backend", "quantum");
        run(2, "devices", "--backend");
    }

    @Test
    void backendOptionIsTakenOutOfTheArgumentsUpToTheDoubleDash() {
        BackendOption option = BackendOption.extract(new String[] {"--onnx", "m.onnx", "--backend=cpu", "--", "--backend"});
        assertEquals("cpu", option.backend());
        assertArrayEquals(new String[] {"--onnx", "m.onnx", "--", "--backend"}, option.rest());
        assertNull(BackendOption.extract(new String[] {"x"}).backend());
    }

    @Test
    void unknownCommandsAndMissingCommandsAreUsageErrors() {
        run(2, "frobnicate");
        assertTrue(run(2).contains("usage: cortado"));
        assertTrue(run(0, "help").contains("devices"));
        run(2, "devices", "extra");
    }

    @Test
    void helpOfDevicesAndOnnxTestPrintsTheirUsageAndSucceeds() {
        assertTrue(run(0, "devices", "--help").contains("usage: cortado devices"));
        assertTrue(run(0, "onnx-test", "--help").contains("usage: cortado onnx-test"));
    }
}
