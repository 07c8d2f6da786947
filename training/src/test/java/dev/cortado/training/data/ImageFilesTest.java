package dev.cortado.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
    @TempDir
    Path dir;

    private static Path gray(Path file, int w, int h, int value) throws IOException {
        var image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, (value + 10 * y + x) & 0xff);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void grayscalePngIsOneChannel() throws IOException {
        Tensor t = ImageFiles.read(gray(dir.resolve("g.png"), 3, 2, 100));
        assertArrayEquals(new int[] {1, 2, 3}, t.shape());
        // Pixel (x, y) holds 100 + 10y + x, read without any gamma conversion.
        assertArrayEquals(new float[] {100 / 255f, 101 / 255f, 102 / 255f, 110 / 255f, 111 / 255f, 112 / 255f},
                t.toFloatArray(), 0f);
    }

    @Test
    void colourPngIsThreeChannels() throws IOException {
        var image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff8000);
        image.setRGB(1, 0, 0x0000ff);
        Path file = dir.resolve("c.png");
        ImageIO.write(image, "png", file.toFile());
        Tensor t = ImageFiles.read(file);
        assertArrayEquals(new int[] {3, 1, 2}, t.shape());
        assertArrayEquals(new float[] {1, 0, 128 / 255f, 0, 0, 1}, t.toFloatArray(), 0f);
    }

    @Test
    void jpegDecodes() throws IOException {
        var image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, 0x808080);
            }
        }
        Path file = dir.resolve("c.jpg");
        ImageIO.write(image, "jpg", file.toFile());
        Tensor t = ImageFiles.read(file);
        assertArrayEquals(new int[] {3, 8, 8}, t.shape());
        // Lossy, but a flat grey block survives within a couple of levels.
        assertEquals(128 / 255f, t.get(1, 4, 4), 3 / 255f);
    }

    @Test
    void notAnImageOrDamagedNamesTheFile() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        var e = assertThrows(DatasetFormatException.class, () -> ImageFiles.read(text));
        assertTrue(e.getMessage().contains("notes.png") && e.getMessage().contains("not a readable image"),
                e.getMessage());

        byte[] png = Files.readAllBytes(gray(dir.resolve("whole.png"), 16, 16, 0));
        Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        e = assertThrows(DatasetFormatException.class, () -> ImageFiles.read(cut));
        assertTrue(e.getMessage().contains("cut.png: at byte offset") && e.getMessage().contains("damaged png"),
                e.getMessage());

        assertThrows(DatasetNotFoundException.class, () -> ImageFiles.read(dir.resolve("absent.png")));
    }

    /** A valid PNG chunk sequence: 8-bit gray {@code w × h} in the header, one row of data in IDAT. */
    private static byte[] pngClaiming(int w, int h) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        var header = new ByteArrayOutputStream();
        new DataOutputStream(header).write(new byte[] {(byte) (w >>> 24), (byte) (w >>> 16), (byte) (w >>> 8), (byte) w,
                (byte) (h >>> 24), (byte) (h >>> 16), (byte) (h >>> 8), (byte) h, 8, 0, 0, 0, 0});
        var data = new ByteArrayOutputStream();
        try (var deflate = new DeflaterOutputStream(data)) {
            deflate.write(new byte[] {0, 1, 2, 3});
        }
        for (var chunk : List.of(List.of("IHDR", header.toByteArray()), List.of("IDAT", data.toByteArray()),
                List.of("IEND", new byte[0]))) {
            byte[] type = ((String) chunk.get(0)).getBytes(StandardCharsets.US_ASCII);
            byte[] body = (byte[]) chunk.get(1);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(body);
            out.writeInt(body.length);
            out.write(type);
            out.write(body);
            out.writeInt((int) crc.getValue());
        }
        return bytes.toByteArray();
    }

    @Test
    void headerClaimingMorePixelsThanTheFileCanHoldIsRefusedBeforeDecoding() throws IOException {
        // About 70 bytes claiming 30000 × 30000 pixels: javax.imageio alone would allocate 900 MB for them.
        Path file = Files.write(dir.resolve("claim.png"), pngClaiming(30000, 30000));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        var e = assertThrows(DatasetFormatException.class, () -> ImageFiles.read(file));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 << 20, allocated + " bytes allocated");
        assertTrue(e.getMessage().startsWith(file + ": at byte offset ")
                && e.getMessage().contains("header claims 30000×30000 pixels, more than a file of"), e.getMessage());
        // The same file claiming the one row it holds decodes.
        assertArrayEquals(new int[] {1, 1, 3}, ImageFiles.read(Files.write(dir.resolve("ok.png"), pngClaiming(3, 1)))
                .shape());
    }

    @Test
    void imageFolderSortsClassesAndFiles() throws IOException {
        Path root = dir.resolve("root");
        gray(root.resolve("zebra/b.png"), 2, 2, 1);
        gray(root.resolve("zebra/a.PNG"), 2, 2, 2);
        gray(root.resolve("ant/x.png"), 2, 2, 3);
        Files.writeString(root.resolve("ant/readme.txt"), "ignored");
        ImageFolderDataset data = ImageFolderDataset.open(root);
        assertEquals(List.of("ant", "zebra"), data.classNames());
        assertEquals(3, data.size());
        assertEquals(List.of("x.png", "a.PNG", "b.png"),
                List.of(data.file(0), data.file(1), data.file(2)).stream().map(p -> p.getFileName().toString())
                        .toList());
        assertEquals(0, data.get(0).label());
        assertEquals(1, data.get(2).label());
        assertEquals(1 / 255f, data.get(2).input().get(0, 0, 0), 0f);

        Files.writeString(root.resolve("ant/y.png"), "broken");
        var e = assertThrows(UncheckedIOException.class, () -> ImageFolderDataset.open(root).get(1));
        assertTrue(e.getMessage().contains("y.png"), e.getMessage());

        assertThrows(DatasetNotFoundException.class, () -> ImageFolderDataset.open(dir.resolve("nothing")));
        Files.createDirectories(dir.resolve("empty/cls"));
        assertThrows(DatasetNotFoundException.class, () -> ImageFolderDataset.open(dir.resolve("empty")));
    }

    @Test
    void imageFolderRefusesSymbolicLinksLeadingOutsideIt() throws IOException {
        Path root = dir.resolve("root");
        gray(root.resolve("cat/a.png"), 2, 2, 1);
        Path outside = gray(dir.resolve("outside/secret.png"), 2, 2, 2);
        // A link that stays inside the root is followed.
        Files.createSymbolicLink(root.resolve("cat/b.png"), root.resolve("cat/a.png"));
        assertEquals(2, ImageFolderDataset.open(root).size());

        Path file = Files.createSymbolicLink(root.resolve("cat/c.png"), outside);
        var e = assertThrows(DatasetFormatException.class, () -> ImageFolderDataset.open(root));
        assertTrue(e.getMessage().startsWith(file + ": a symbolic link leading outside the image folder"),
                e.getMessage());
        Files.delete(file);

        Path folder = Files.createSymbolicLink(root.resolve("dog"), outside.getParent());
        e = assertThrows(DatasetFormatException.class, () -> ImageFolderDataset.open(root));
        assertTrue(e.getMessage().startsWith(folder + ": a symbolic link leading outside"), e.getMessage());
    }
}
