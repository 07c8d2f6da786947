package dev.cortado.training.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.nn.io.Safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of checkpoints, written so that a crash or a full disk at any moment leaves the previous
 * checkpoint intact and loadable:
 * <pre>
 * root/latest          one line: the name of the current checkpoint directory
 * root/ckpt-120/       model.safetensors, state.safetensors, trainer.json
 * </pre>
 * A write goes into a fresh hidden directory {@code .tmp-…}, each file flushed to disk (fsync); the directory
 * is then renamed to its final name and only after that the {@code latest} pointer is replaced, through a
 * temporary file and an atomic rename. Until that last rename the pointer names the previous checkpoint,
 * which is deleted only afterwards. Readers follow the pointer, so they never see a partial directory.
 */
public final class CheckpointStore {
    public static final String POINTER = "latest";
    private static final JsonMapper JSON = new JsonMapper();

    /** Called after each file of a checkpoint is written; tests inject failures (a full disk) through it. */
    @FunctionalInterface
    public interface WriteHook {
        void afterWrite(Path file) throws IOException;
    }

    private final Path root;
    private final WriteHook hook;

    public CheckpointStore(Path root) {
        this(root, file -> {
        });
    }

    public CheckpointStore(Path root, WriteHook hook) {
        this.root = root.toAbsolutePath();
        this.hook = hook;
    }

    public Path root() {
        return root;
    }

    /**
     * The directory the pointer names, if a checkpoint was written.
     *
     * @throws IOException when the pointer names anything but an entry of the root ({@code ../x}, an absolute path)
     */
    public Optional<Path> latest() throws IOException {
        Path pointer = root.resolve(POINTER);
        if (!Files.exists(pointer)) {
            return Optional.empty();
        }
        requireRegularFile(pointer);
        String name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
        Path dir;
        try {
            dir = root.resolve(name);
        } catch (InvalidPathException e) {
            dir = null;
        }
        if (name.isEmpty() || dir == null || !root.normalize().equals(dir.normalize().getParent())) {
            throw new IOException("checkpoint pointer " + pointer + ": '" + name
                    + "' is not the name of a checkpoint directory in " + root);
        }
        return Optional.of(dir);
    }

    /**
     * Writes {@code checkpoint} as the new latest, in a directory called {@code name} (with a suffix if that
     * exists), then deletes the older checkpoint directories.
     *
     * @return the new checkpoint's directory
     */
    public Path write(String name, Checkpoint checkpoint) throws IOException {
        Files.createDirectories(root);
        Path temp = Files.createTempDirectory(root, ".tmp-" + name + "-");
        Path target = freeName(name);
        try {
            Path weights = temp.resolve(Checkpoint.WEIGHTS_FILE);
            Safetensors.write(weights, checkpoint.weights());
            hook.afterWrite(weights);
            Path tensors = temp.resolve(Checkpoint.STATE_TENSORS_FILE);
            Safetensors.write(tensors, checkpoint.stateTensors());
            hook.afterWrite(tensors);
            Path state = temp.resolve(Checkpoint.TRAINER_STATE_FILE);
            writeSynced(state, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(checkpoint.trainerState()));
            hook.afterWrite(state);
            syncDirectory(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(root);
            Path pointerTemp = Files.createTempFile(root, ".latest-", ".tmp");
            try {
                writeSynced(pointerTemp, (target.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
                hook.afterWrite(pointerTemp);
                Files.move(pointerTemp, root.resolve(POINTER), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(pointerTemp);
            }
            syncDirectory(root);
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            if (!target.equals(latest().orElse(null))) {
                deleteTree(target);
            }
            throw e;
        }
        deleteAllBut(target);
        return target;
    }

    /**
     * Reads a checkpoint: {@code path} is either a checkpoint directory or a store's root (then its
     * {@code latest} checkpoint is read).
     */
    public static Checkpoint read(Path path) throws IOException {
        Path dir = resolve(path);
        Path stateFile = dir.resolve(Checkpoint.TRAINER_STATE_FILE);
        JsonNode state;
        requireRegularFile(stateFile);
        try {
            state = JSON.readTree(Files.readAllBytes(stateFile));
        } catch (JsonProcessingException e) {
            throw new IOException("checkpoint " + stateFile + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(state instanceof ObjectNode object)) {
            throw new IOException("checkpoint " + stateFile + ": expected a JSON object");
        }
        return new Checkpoint(Safetensors.read(dir.resolve(Checkpoint.WEIGHTS_FILE)).tensors(),
                Safetensors.read(dir.resolve(Checkpoint.STATE_TENSORS_FILE)).tensors(), object);
    }

    /** The checkpoint directory {@code path} denotes: itself, or the one its {@code latest} pointer names. */
    public static Path resolve(Path path) throws IOException {
        Optional<Path> latest = new CheckpointStore(path).latest();
        if (latest.isPresent()) {
            return latest.get();
        }
        if (Files.exists(path.resolve(Checkpoint.TRAINER_STATE_FILE))) {
            return path;
        }
        throw new NoSuchFileException(path.toString(), null,
                "no checkpoint here (neither a '" + POINTER + "' pointer nor " + Checkpoint.TRAINER_STATE_FILE + ")");
    }

    private Path freeName(String name) {
        Path candidate = root.resolve(name);
        for (int k = 1; Files.exists(candidate); k++) {
            candidate = root.resolve(name + "-" + k);
        }
        return candidate;
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
    }

    /**
     * Flushes a directory's entries (the names of renamed files) to disk. POSIX systems allow this; where a
     * directory cannot be opened (Windows), the rename itself is what the file system guarantees.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // not possible on this platform; see the Javadoc
        }
    }

    /** Deletes every other entry of the root but the pointer: older checkpoints and leftovers of failed writes. */
    private void deleteAllBut(Path keep) throws IOException {
        List<Path> stale;
        try (Stream<Path> entries = Files.list(root)) {
            stale = entries.filter(p -> !p.equals(keep) && !p.getFileName().toString().equals(POINTER)).toList();
        }
        for (Path p : stale) {
            deleteTree(p);
        }
    }

    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(top)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A FIFO or a device in place of one of the store's files would block the read or never end. */
    private static void requireRegularFile(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IOException("checkpoint file " + file + " is not a regular file");
        }
    }
}
