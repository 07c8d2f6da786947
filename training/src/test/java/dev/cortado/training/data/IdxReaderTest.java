package dev.cortado.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Fifos;
import dev.cortado.training.data.IdxReader.IdxArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IdxReader on small hand-written IDX files, intact and damaged, plain and gzipped. */
class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX image file of n images rows×cols whose pixel k is (k mod 251). */
    static byte[] images(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(n).putInt(rows).putInt(cols);
        for (int k = 0; k < n * rows * cols; k++) {
            b.put((byte) (k % 251));
        }
        return b.array();
    }

    static byte[] labels(int... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + values.length);
        b.putInt(IdxReader.LABELS_MAGIC).putInt(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void readsPlainAndGzippedAlike() throws IOException {
        byte[] raw = images(3, 4, 5);
        // gzip is recognised by its magic, not the name: the gzipped copy has no .gz suffix.
        for (Path file : new Path[] {write("plain.gz", raw), write("packed", gzip(raw))}) {
            IdxArray a = IdxReader.readImages(file);
            assertArrayEquals(new int[] {3, 4, 5}, a.dims(), file.toString());
            assertArrayEquals(Arrays.copyOfRange(raw, 16, raw.length), a.data(), file.toString());
        }
        IdxArray l = IdxReader.readLabels(write("labels", labels(9, 0, 3)));
        assertArrayEquals(new int[] {3}, l.dims());
        assertArrayEquals(new byte[] {9, 0, 3}, l.data());
    }

    @Test
    void truncatedBodyNamesFileAndOffset() throws IOException {
        byte[] raw = images(2, 3, 3);
        for (Path file : new Path[] {write("short", Arrays.copyOf(raw, 16 + 10)),
                write("short.gz", gzip(Arrays.copyOf(raw, 16 + 10)))}) {
            var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(file));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("offset 26"), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        Path header = write("header", Arrays.copyOf(raw, 6));
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(header));
        assertTrue(e.getMessage().contains("offset 6") && e.getMessage().contains("dimension 0"), e.getMessage());
    }

    @Test
    void truncatedGzipStream() throws IOException {
        byte[] packed = gzip(images(20, 28, 28));
        Path file = write("cut.gz", Arrays.copyOf(packed, packed.length / 2));
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("offset"), e.getMessage());
    }

    @Test
    void badMagicAndDtypeAndKind() throws IOException {
        byte[] raw = images(1, 2, 2);
        raw[0] = 0x12;
        Path notIdx = write("notidx", raw);
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(notIdx));
        assertTrue(e.getMessage().contains("notidx: at byte offset 0: bad magic number 0x12000803"), e.getMessage());

        raw = images(1, 2, 2);
        raw[2] = 0x0d; // float32 dtype
        Path floats = write("floats", raw);
        e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(floats));
        assertTrue(e.getMessage().contains("offset 2: unsupported IDX dtype 0x0d"), e.getMessage());

        Path labelFile = write("labels", labels(1, 2));
        e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(labelFile));
        assertTrue(e.getMessage().contains("expected 0x00000803"), e.getMessage());
    }

    @Test
    void hugeClaimedDimensionsFailWithoutAllocating() throws IOException {
        // 60000 × 28 × 28 claimed (47 MB) over 100 real bytes, and 65536³, whose first two dimensions already overflow an array.
        ByteBuffer b = ByteBuffer.allocate(116);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(60000).putInt(28).putInt(28);
        Path liar = write("liar.gz", gzip(b.array()));
        ByteBuffer big = ByteBuffer.allocate(16);
        big.putInt(IdxReader.IMAGES_MAGIC).putInt(65536).putInt(65536).putInt(65536);
        Path overflow = write("overflow", big.array());
        ByteBuffer negative = ByteBuffer.allocate(16);
        negative.putInt(IdxReader.IMAGES_MAGIC).putInt(-1).putInt(28).putInt(28);
        Path minus = write("minus", negative.array());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(liar));
            assertTrue(e.getMessage().contains("offset 116") && e.getMessage().contains("claims 47040000"),
                    e.getMessage());
            e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(overflow));
            assertTrue(e.getMessage().contains("offset 8: dimensions [65536, 65536] claim more than"),
                    e.getMessage());
            e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(minus));
            assertTrue(e.getMessage().contains("offset 4: dimension 0 is 4294967295"), e.getMessage());
        });
    }

    @Test
    void trailingDataIsAnError() throws IOException {
        byte[] raw = labels(1, 2, 3);
        Path file = write("trailing", Arrays.copyOf(raw, raw.length + 1));
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readLabels(file));
        assertTrue(e.getMessage().contains("offset 11: trailing data"), e.getMessage());
    }

    @Test
    void flippedBytesInTheGzipBodyAreCaught() throws IOException {
        byte[] packed = gzip(images(8, 28, 28));
        // Flip one byte at several places inside the deflate data (after the 10-byte header, before the
        // 8-byte CRC/size trailer): each must end in a format error, never a silent success or a hang.
        for (int at = 12; at < packed.length - 8; at += (packed.length - 20) / 7) {
            byte[] damaged = packed.clone();
            damaged[at] ^= 0x5a;
            Path file = write("flip" + at + ".gz", damaged);
            var e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(file)));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("offset"),
                    e.getMessage());
        }
        byte[] badCrc = packed.clone();
        badCrc[packed.length - 6] ^= 1;
        Path crc = write("crc.gz", badCrc);
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(crc));
        assertTrue(e.getMessage().contains("crc.gz"), e.getMessage());
    }

    @Test
    void missingFile() {
        var e = assertThrows(DatasetNotFoundException.class, () -> IdxReader.readImages(dir.resolve("none")));
        assertTrue(e.getMessage().contains("none"), e.getMessage());
        assertEquals(0, dir.toFile().list().length);
    }

    @Test
    void aFifoIsRefusedInsteadOfBlocking() throws IOException, InterruptedException {
        Path fifo = Fifos.create(dir.resolve("train-images-idx3-ubyte"));
        DatasetFormatException e = Fifos.assertRefusedWithoutBlocking(DatasetFormatException.class,
                () -> IdxReader.readImages(fifo));
        assertEquals("IDX file " + fifo + " is not a regular file", e.getMessage());
    }
}
