package dev.cortado.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Same inputs, same bits, however the JIT got to the code: the kernels' results in this JVM, after enough
 * repetitions for C2 to compile them, equal those of a JVM that only interprets ({@code -Xint}), where the
 * Vector API runs its Java fallbacks. Before the kernels stopped using the Vector API's transcendental
 * operators and {@code reduceLanes(ADD)}, these digests differed, and a training run's numbers depended on
 * when compilation finished.
 */
class TierDeterminismTest {
    @Test
    void compiledKernelsMatchTheInterpreter() throws IOException, InterruptedException {
        long compiled = 0;
        for (int i = 0; i < 300; i++) {
            compiled = TierDigest.digest();
        }
        assertEquals(Long.toHexString(compiled), interpretedDigest());
    }

    private static String interpretedDigest() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // Surefire runs tests from a manifest-only jar; it puts the real class path in this property.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-Xint"));
        String bits = System.getProperty("cortado.vector.bits");
        if (bits != null) {
            command.add("-Dcortado.vector.bits=" + bits);
        }
        command.addAll(List.of("-cp", classPath, TierDigest.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the interpreted JVM did not finish in 120 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.exitValue(), () -> "interpreted JVM failed:\n" + output);
        // The last line is the digest; anything before it is the JVM's warning about incubator modules.
        return output.substring(output.lastIndexOf('\n') + 1);
    }
}
