package dev.cortado.models.onnx;

import dev.cortado.models.onnx.proto.Onnx.StringStringEntryProto;
import dev.cortado.models.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tensor data stored outside the model ({@code data_location = EXTERNAL}): the {@code external_data} entries
 * {@code location} (a path relative to the model file's directory), {@code offset} and {@code length} (in
 * bytes; absent means 0 and "the tensor's size").
 *
 * <p>The location must stay inside the model's directory: absolute paths, paths that normalise outside it
 * ({@code ../}) and symbolic links that lead outside it are refused, as are missing files and regions beyond
 * the end of the file.
 */
final class ExternalData {
    private ExternalData() {
    }

    /** The {@code bytes} bytes of the tensor's external region, read once its presence is checked. */
    static ByteBuffer read(TensorProto proto, long bytes, Path modelFile, String what) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto entry : proto.getExternalDataList()) {
            switch (entry.getKey()) {
                case "location" -> location = entry.getValue();
                case "offset" -> offset = parseSize(entry.getValue(), "offset", modelFile, what);
                case "length" -> length = parseSize(entry.getValue(), "length", modelFile, what);
                default -> {
                    // "checksum" and keys of later IR versions do not affect where the bytes are.
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new OnnxFormatException(modelFile, what + " has external data without a location");
        }
        if (length >= 0 && length != bytes) {
            throw new OnnxFormatException(modelFile, what + " needs " + bytes + " bytes but its external data length is "
                    + length);
        }
        Path data = resolve(location, modelFile, what);
        try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
            long size = channel.size();
            if (offset > size || bytes > size - offset) {
                throw new OnnxFormatException(modelFile, what + " reads bytes " + offset + ".." + (offset + bytes)
                        + " of external file '" + location + "', which has " + size);
            }
            if (bytes > Integer.MAX_VALUE) {
                throw new OnnxFormatException(modelFile, what + " has " + bytes + " bytes of external data; "
                        + "one tensor of more than 2 GiB is not supported");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) bytes);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new OnnxFormatException(modelFile, what + ": external file '" + location
                            + "' ended early while reading");
                }
            }
            return buffer.flip();
        } catch (IOException e) {
            throw new OnnxFormatException(modelFile, what + ": cannot read external file '" + location + "' (" + e + ")",
                    e);
        }
    }

    /** The external file for {@code location}, checked to exist and to lie inside the model's directory. */
    static Path resolve(String location, Path modelFile, String what) {
        Path directory = modelFile.toAbsolutePath().normalize().getParent();
        Path relative;
        try {
            relative = Path.of(location);
        } catch (InvalidPathException e) {
            throw new OnnxFormatException(modelFile, what + " has an invalid external data location '" + location + "'");
        }
        if (relative.isAbsolute() || relative.getRoot() != null || location.startsWith("/")
                || location.startsWith("\\")) {
            throw new OnnxFormatException(modelFile, what + " has an absolute external data location '" + location
                    + "'; locations must be relative to the model's directory");
        }
        Path candidate = directory.resolve(relative).normalize();
        if (!candidate.startsWith(directory) || candidate.equals(directory)) {
            throw new OnnxFormatException(modelFile, what + " has external data location '" + location
                    + "', which leaves the model's directory");
        }
        if (!Files.isRegularFile(candidate)) {
            throw new OnnxFormatException(modelFile, what + " needs external file '" + location
                    + "', which does not exist (looked for " + candidate + ")");
        }
        try {
            // A symbolic link inside the directory may still point outside it.
            Path real = candidate.toRealPath();
            if (!real.startsWith(directory.toRealPath())) {
                throw new OnnxFormatException(modelFile, what + " has external data location '" + location
                        + "', which links outside the model's directory");
            }
            return real;
        } catch (IOException e) {
            throw new OnnxFormatException(modelFile, what + ": cannot resolve external file '" + location + "' (" + e
                    + ")", e);
        }
    }

    private static long parseSize(String text, String key, Path modelFile, String what) {
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new OnnxFormatException(modelFile, what + " has external data " + key + " '" + text
                + "'; expected a non-negative integer");
    }
}
