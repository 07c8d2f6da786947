package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.function.Executable;

/**
 * Named pipes for the tests that check a file reader refuses one instead of blocking on it: opening a FIFO for
 * reading waits for a writer that never comes.
 */
public final class Fifos {
    private Fifos() {
    }

    /** Makes a FIFO at {@code file} with coreutils' {@code mkfifo}. */
    public static Path create(Path file) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).start().waitFor(), "mkfifo " + file);
        return file;
    }

    /** Runs {@code read}, which must throw {@code type} within 10 s rather than block; returns what it threw. */
    public static <E extends Throwable> E assertRefusedWithoutBlocking(Class<E> type, Executable read) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(type, read));
    }
}
