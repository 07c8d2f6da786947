package dev.cortado.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a valid safetensors file; the message names the file and what is wrong with it. */
public class SafetensorsFormatException extends IOException {
    public SafetensorsFormatException(Path file, String problem) {
        super(file + ": not a valid safetensors file: " + problem);
    }

    public SafetensorsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": not a valid safetensors file: " + problem, cause);
    }
}
