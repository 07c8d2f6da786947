package dev.cortado.training.checkpoint;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cortado.tensor.Fifos;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Atomic checkpoint writes: a failure at any file of a write leaves the previous checkpoint current and loadable. */
class CheckpointStoreTest {
    private static Checkpoint checkpoint(float value, long step) {
        return new Checkpoint(Map.of("w", Tensor.full(value, 2, 3)), Map.of("optimizer/w", Tensor.full(-value, 2, 3)),
                JsonNodeFactory.instance.objectNode().put("step", step));
    }

    private static List<String> entries(Path root) throws IOException {
        try (Stream<Path> list = Files.list(root)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesReadsAndKeepsOnlyTheLatest(@TempDir Path root) throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        store.write("ckpt-1", checkpoint(1, 1));
        Path second = store.write("ckpt-1", checkpoint(2, 1)); // same name again: gets a suffix
        assertEquals(root.resolve("ckpt-1-1"), second);
        assertEquals(List.of("ckpt-1-1", "latest"), entries(root));
        Checkpoint read = CheckpointStore.read(root);
        assertArrayEquals(new float[]{2, 2, 2, 2, 2, 2}, read.weights().get("w").toFloatArray());
        assertArrayEquals(new float[]{-2, -2, -2, -2, -2, -2}, read.stateTensors().get("optimizer/w").toFloatArray());
        assertEquals(1, read.trainerState().get("step").asLong());
    }

    @Test
    void failureAtEveryFileOfAWriteLeavesThePreviousCheckpoint(@TempDir Path root) throws IOException {
        new CheckpointStore(root).write("ckpt-1", checkpoint(1, 1));
        // Four files per write: weights, state tensors, trainer state, the pointer's temporary file.
        for (int failAt = 1; failAt <= 4; failAt++) {
            int[] written = {0};
            int at = failAt;
            CheckpointStore failing = new CheckpointStore(root, file -> {
                if (++written[0] == at) {
                    throw new IOException("No space left on device (simulated) after " + file.getFileName());
                }
            });
            IOException e = assertThrows(IOException.class, () -> failing.write("ckpt-2", checkpoint(2, 2)));
            assertTrue(e.getMessage().contains("simulated"), e.getMessage());
            assertEquals(List.of("ckpt-1", "latest"), entries(root), "after a failure at file " + failAt);
            Checkpoint read = CheckpointStore.read(root);
            assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1}, read.weights().get("w").toFloatArray());
            assertEquals(1, read.trainerState().get("step").asLong());
        }
    }

    @Test
    void corruptFilesAreReportedByName(@TempDir Path root) throws IOException {
        Path dir = new CheckpointStore(root).write("ckpt-1", checkpoint(1, 1));
        Files.writeString(dir.resolve(Checkpoint.TRAINER_STATE_FILE), "{\"step\": ");
        IOException e = assertThrows(IOException.class, () -> CheckpointStore.read(root));
        assertTrue(e.getMessage().contains("trainer.json"), e.getMessage());

        Files.write(dir.resolve(Checkpoint.WEIGHTS_FILE), new byte[]{1, 2, 3});
        Files.writeString(dir.resolve(Checkpoint.TRAINER_STATE_FILE), "{}");
        IOException truncated = assertThrows(IOException.class, () -> CheckpointStore.read(root));
        assertTrue(truncated.getMessage().contains("model.safetensors"), truncated.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> CheckpointStore.read(root.resolve("nothing")));
    }

    @Test
    void pointerNamingAPathOutsideTheStoreIsRefused(@TempDir Path dir) throws IOException {
        Path elsewhere = new CheckpointStore(dir.resolve("elsewhere")).write("ckpt-1", checkpoint(1, 1));
        Path root = dir.resolve("store");
        Path pointer = new CheckpointStore(root).write("ckpt-2", checkpoint(2, 2)).resolveSibling(CheckpointStore.POINTER);
        for (String name : List.of("../elsewhere/ckpt-1", elsewhere.toString(), "..", ".", "")) {
            Files.writeString(pointer, name + "\n");
            IOException e = assertThrows(IOException.class, () -> CheckpointStore.read(root), name);
            assertTrue(e.getMessage().startsWith("checkpoint pointer " + pointer + ": '" + name + "' is not the name"),
                    e.getMessage());
        }
    }

    @Test
    void aFifoInPlaceOfTheStoresFilesIsRefusedInsteadOfBlocking(@TempDir Path root) throws IOException, InterruptedException {
        Path written = new CheckpointStore(root).write("ckpt-1", checkpoint(1, 1));
        for (Path file : List.of(written.resolve(Checkpoint.TRAINER_STATE_FILE), root.resolve(CheckpointStore.POINTER))) {
            Files.delete(file);
            Fifos.create(file);
            IOException e = Fifos.assertRefusedWithoutBlocking(IOException.class, () -> CheckpointStore.read(root));
            assertEquals("checkpoint file " + file + " is not a regular file", e.getMessage());
        }
    }
}
