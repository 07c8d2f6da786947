package dev.cortado.training.data;

import dev.cortado.tensor.Tensor;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads PNG and JPEG files (anything javax.imageio can decode) into float [C, H, W] tensors in [0, 1].
 *
 * <p>A grayscale image (gray colour space, with or without alpha) gives one channel: its first band's samples
 * divided by {@code 2^bits − 1}, read from the raster so no colour conversion touches them. Any other image gives
 * three channels R, G, B: the sRGB values of {@link BufferedImage#getRGB} divided by 255 (palette images are
 * expanded, alpha is dropped).
 */
public final class ImageFiles {
    /**
     * The most pixels one byte of a file can decode to: deflate expands at most 1032-fold and a PNG pixel takes
     * at least 1 bit (JPEG needs at least 1 bit per 8 × 8 block). Larger claims are refused before decoding.
     */
    private static final long MAX_PIXELS_PER_BYTE = 1032 * 8;
    /** The elements of a Cortado tensor (three channels per pixel at most). */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private ImageFiles() {
    }

    /**
     * Decodes {@code file}.
     *
     * @throws DatasetNotFoundException when the file does not exist
     * @throws DatasetFormatException   when it is not an image javax.imageio can read, is damaged, or its header
     *                                  claims more pixels than the file can encode (the message names the file and
     *                                  the byte offset the decoder had reached)
     */
    public static Tensor read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("image file " + file + " does not exist");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new DatasetFormatException(file + ": cannot open as an image stream");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DatasetFormatException(file + ": at byte offset 0: not a readable image (no PNG, JPEG or "
                        + "other javax.imageio format recognised)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkClaimedSize(file, reader, in);
                return toTensor(reader.read(0));
            } catch (DatasetFormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // javax.imageio reports damaged files as IIOException and sometimes as unchecked exceptions.
                throw new DatasetFormatException(file + ": at byte offset " + in.getStreamPosition() + ": damaged "
                        + reader.getFormatName() + " image (" + e + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Refuses, from the header alone, an image larger than the file could encode or a tensor could hold. */
    private static void checkClaimedSize(Path file, ImageReader reader, ImageInputStream in) throws IOException {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        long pixels = (long) width * height;
        long size = Files.size(file);
        String limit = pixels > MAX_PIXELS_PER_BYTE * size ? "more than a file of " + size + " bytes can encode"
                : 3 * pixels > MAX_ELEMENTS ? "more than a tensor holds" : null;
        if (limit != null) {
            throw new DatasetFormatException(file + ": at byte offset " + in.getStreamPosition() + ": the "
                    + reader.getFormatName() + " header claims " + width + "×" + height + " pixels, " + limit);
        }
    }

    /** Converts a decoded image as described in the class comment. */
    public static Tensor toTensor(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        Raster raster = image.getRaster();
        if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            float max = (float) ((1L << raster.getSampleModel().getSampleSize(0)) - 1);
            float[] out = new float[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = raster.getSample(x, y, 0) / max;
                }
            }
            return Tensor.fromArray(out, 1, h, w);
        }
        float[] out = new float[3 * h * w];
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                int at = y * w + x;
                out[at] = ((argb >> 16) & 0xff) / 255f;
                out[plane + at] = ((argb >> 8) & 0xff) / 255f;
                out[2 * plane + at] = (argb & 0xff) / 255f;
            }
        }
        return Tensor.fromArray(out, 3, h, w);
    }
}
