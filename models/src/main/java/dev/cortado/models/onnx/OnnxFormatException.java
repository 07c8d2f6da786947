package dev.cortado.models.onnx;

import java.nio.file.Path;

/**
 * A file that cannot be read as ONNX: truncated, corrupt, not ONNX at all, claiming more data than it holds,
 * or pointing at external data outside its directory. The message names the file and the problem.
 */
public final class OnnxFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public OnnxFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public OnnxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }
}
