package dev.cortado.training.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files of (Fashion-)MNIST, gzipped or not.
 *
 * <p>Layout: a 4-byte magic {@code 0x00 0x00 dtype ndims}, then {@code ndims} big-endian unsigned 32-bit
 * dimensions, then {@code Π dims} values in row-major order. Only dtype {@code 0x08} (unsigned byte) is
 * supported, which is what MNIST and Fashion-MNIST use: {@code 0x00000803} for images [N, rows, cols] and
 * {@code 0x00000801} for labels [N].
 *
 * <p>Gzip is detected by its magic bytes {@code 0x1f 0x8b}, not by the file name. Offsets in error messages
 * count bytes of the decompressed IDX stream.
 *
 * <p>The files are treated as untrusted: the magic, dtype and dimensions are checked, and the body is read in
 * chunks into a buffer that grows only as data actually arrives (at most doubling, capped at the size the
 * header claims), so a header claiming gigabytes over a short file fails fast without allocating them. The
 * stream must end exactly where the header says: a short body and trailing bytes after it are both errors.
 * A damaged gzip stream (CRC or deflate error) is reported with the offset reached.
 */
public final class IdxReader {
    /** Magic number of an unsigned-byte IDX file with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte IDX file with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_DIMS = 8;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int CHUNK = 1 << 20;

    private IdxReader() {
    }

    /** An IDX array of unsigned bytes: its dimensions and its values in row-major order. */
    public record IdxArray(int[] dims, byte[] data) {
        public IdxArray {
            dims = dims.clone();
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        public int dim(int d) {
            return dims[d];
        }

        @Override
        public String toString() {
            return "IdxArray" + Arrays.toString(dims);
        }
    }

    /** Reads an image file: magic {@code 0x00000803}, dims [N, rows, cols]. */
    public static IdxArray readImages(Path file) throws IOException {
        return read(file, IMAGES_MAGIC);
    }

    /** Reads a label file: magic {@code 0x00000801}, dims [N]. */
    public static IdxArray readLabels(Path file) throws IOException {
        return read(file, LABELS_MAGIC);
    }

    /** Reads {@code file}, which must carry {@code expectedMagic}. */
    public static IdxArray read(Path file, int expectedMagic) throws IOException {
        // A FIFO or a device would block the read or never end.
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new DatasetFormatException("IDX file " + file + " is not a regular file");
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new DatasetNotFoundException("IDX file " + file + " does not exist");
        }
        try (in) {
            return read(in, file.toString(), expectedMagic);
        }
    }

    /**
     * Reads an IDX stream (gzipped or not) named {@code name} in error messages; the stream is read to its end
     * but not closed.
     */
    public static IdxArray read(InputStream raw, String name, int expectedMagic) throws IOException {
        var buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        boolean gzipped = b0 == 0x1f && b1 == 0x8b;
        String what = gzipped ? name + " (gzip, offsets in the decompressed stream)" : name;
        InputStream in;
        try {
            in = gzipped ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        } catch (IOException e) {
            throw new DatasetFormatException(what + ": bad gzip header at byte 0: " + e.getMessage(), e);
        }
        return new Parser(in, what).parse(expectedMagic);
    }

    /** Reads one IDX stream, tracking the offset for error messages. */
    private static final class Parser {
        private final InputStream in;
        private final String name;
        private long offset;

        Parser(InputStream in, String name) {
            this.in = in;
            this.name = name;
        }

        IdxArray parse(int expectedMagic) throws IOException {
            int magic = readInt("magic number");
            if ((magic >>> 16) != 0) {
                throw error(0, String.format("bad magic number 0x%08x (expected 0x%08x); not an IDX file",
                        magic, expectedMagic));
            }
            int dtype = (magic >>> 8) & 0xff;
            if (dtype != UNSIGNED_BYTE) {
                throw error(2, String.format("unsupported IDX dtype 0x%02x (only 0x08, unsigned byte)", dtype));
            }
            if (magic != expectedMagic) {
                throw error(0, String.format("magic number 0x%08x, expected 0x%08x (%d dimensions, not %d)",
                        magic, expectedMagic, magic & 0xff, expectedMagic & 0xff));
            }
            int ndims = magic & 0xff;
            if (ndims < 1 || ndims > MAX_DIMS) {
                throw error(3, "unsupported number of dimensions " + ndims);
            }
            int[] dims = new int[ndims];
            long total = 1;
            for (int d = 0; d < ndims; d++) {
                long at = offset;
                dims[d] = readInt("dimension " + d);
                if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
                    throw error(at, "dimension " + d + " is " + Integer.toUnsignedString(dims[d]));
                }
                total *= dims[d];
                if (total > MAX_ARRAY) {
                    throw error(at, "dimensions " + Arrays.toString(Arrays.copyOf(dims, d + 1))
                            + " claim more than " + MAX_ARRAY + " bytes");
                }
            }
            byte[] data = readBody((int) total);
            requireEnd();
            return new IdxArray(dims, data);
        }

        private int readInt(String what) throws IOException {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int b = readByte();
                if (b < 0) {
                    throw error(offset, "file ends inside the " + what);
                }
                value = (value << 8) | b;
            }
            return value;
        }

        private int readByte() throws IOException {
            int b;
            try {
                b = in.read();
            } catch (EOFException e) {
                return -1;
            } catch (IOException e) {
                throw error(offset, "cannot read (" + e.getMessage() + ")", e);
            }
            if (b >= 0) {
                offset++;
            }
            return b;
        }

        /** Reads exactly {@code size} bytes, growing the buffer only as data arrives. */
        private byte[] readBody(int size) throws IOException {
            long start = offset;
            byte[] buffer = new byte[Math.min(size, CHUNK)];
            int filled = 0;
            while (filled < size) {
                if (filled == buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(size, 2L * buffer.length));
                }
                int n;
                try {
                    n = in.read(buffer, filled, buffer.length - filled);
                } catch (EOFException e) {
                    n = -1;
                } catch (IOException e) {
                    throw error(offset, "cannot read (" + e.getMessage() + ")", e);
                }
                if (n < 0) {
                    throw error(offset, "truncated: the header claims " + size + " data bytes from offset " + start
                            + ", the file holds " + filled);
                }
                filled += n;
                offset += n;
            }
            return buffer;
        }

        private void requireEnd() throws IOException {
            if (readByte() >= 0) {
                throw error(offset - 1, "trailing data after the " + (offset - 1) + " bytes the header describes");
            }
        }

        private DatasetFormatException error(long at, String message) {
            return new DatasetFormatException(name + ": at byte offset " + at + ": " + message);
        }

        private DatasetFormatException error(long at, String message, Throwable cause) {
            return new DatasetFormatException(name + ": at byte offset " + at + ": " + message, cause);
        }
    }
}
