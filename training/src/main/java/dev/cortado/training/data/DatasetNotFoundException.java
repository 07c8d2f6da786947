package dev.cortado.training.data;

import java.io.IOException;

/**
 * A dataset directory or file that does not exist; the message says what to install or which flag to pass.
 * Command-line jobs map it to exit code 2.
 */
public class DatasetNotFoundException extends IOException {
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
