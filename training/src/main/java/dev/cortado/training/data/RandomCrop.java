package dev.cortado.training.data;

import dev.cortado.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A random crop of {@code height × width} after zero padding of {@code padding} pixels on every side, as
 * torchvision's {@code RandomCrop(size, padding)} with {@code fill=0}.
 *
 * <p>The padded image is [C, H + 2p, W + 2p]; the crop's top row is {@code i = rng.nextInt(H + 2p − height + 1)}
 * and its left column {@code j = rng.nextInt(W + 2p − width + 1)} (in that order), so
 * {@code out[c, y, x] = padded[c, i + y, j + x]}, which is {@code in[c, i + y − p, j + x − p]} or 0 outside.
 */
public record RandomCrop(int height, int width, int padding) implements Transform {
    public RandomCrop {
        if (height < 1 || width < 1 || padding < 0) {
            throw new IllegalArgumentException("RandomCrop: need size ≥ 1 and padding ≥ 0, got " + height + "×"
                    + width + " padding " + padding);
        }
    }

    /** A square crop. */
    public RandomCrop(int size, int padding) {
        this(size, size, padding);
    }

    @Override
    public Tensor apply(Tensor image, RandomGenerator rng) {
        Transform.requireImage("RandomCrop", image);
        int channels = image.size(0);
        int inH = image.size(1);
        int inW = image.size(2);
        int paddedH = inH + 2 * padding;
        int paddedW = inW + 2 * padding;
        if (height > paddedH || width > paddedW) {
            throw new IllegalArgumentException("RandomCrop: crop " + height + "×" + width + " larger than the padded "
                    + "image " + paddedH + "×" + paddedW);
        }
        int top = rng.nextInt(paddedH - height + 1);
        int left = rng.nextInt(paddedW - width + 1);
        float[] in = image.contiguous().floatData();
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int srcY = top + y - padding;
                if (srcY < 0 || srcY >= inH) {
                    continue; // a padding row stays 0
                }
                for (int x = 0; x < width; x++) {
                    int srcX = left + x - padding;
                    if (srcX >= 0 && srcX < inW) {
                        out[(c * height + y) * width + x] = in[(c * inH + srcY) * inW + srcX];
                    }
                }
            }
        }
        return Tensor.fromArray(out, channels, height, width);
    }
}
