package dev.cortado.training.data;

import java.io.IOException;

/**
 * A dataset file (IDX, PNG, JPEG) that is corrupt, truncated or not in the expected format. The message names
 * the file and, where the reader knows it, the byte offset at which the problem was found.
 */
public class DatasetFormatException extends IOException {
    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
