package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The data movement around conv2d's GEMMs. Input is dense [N, C, H, W], the kernel [O, C/G, KH, KW], the output
 * [N, O, OH, OW]; with groups G, Cg = C/G, Kg = Cg·KH·KW and L = OH·OW the column matrix is dense
 * [G, Kg, N·L]: {@code cols[g, (cg·KH + kh)·KW + kw, n·L + oh·OW + ow] = input[n, g·Cg + cg, oh·sh − ph + kh·dh,
 * ow·sw − pw + kw·dw]} (0 in the padding), so that output group g is {@code W_g [Og, Kg] · cols_g [Kg, N·L]}.
 */
public final class ConvKernels {
    /** Layout slots of the {@code layout} argument. */
    public static final int N = 0;
    public static final int C = 1;
    public static final int H = 2;
    public static final int W = 3;
    public static final int GROUPS = 4;
    public static final int KH = 5;
    public static final int KW = 6;
    public static final int OH = 7;
    public static final int OW = 8;
    public static final int STRIDE_H = 9;
    public static final int STRIDE_W = 10;
    public static final int PAD_H = 11;
    public static final int PAD_W = 12;
    public static final int DILATION_H = 13;
    public static final int DILATION_W = 14;
    public static final int LAYOUT_SLOTS = 15;

    private ConvKernels() {
    }

    /** Fills cols [G, Kg, N·L] from input [N, C, H, W] (the class comment's formula), one work item per element. */
    public static void im2col(FloatArray input, FloatArray cols, IntArray layout) {
        int c = layout.get(C);
        int h = layout.get(H);
        int w = layout.get(W);
        int groupChannels = c / layout.get(GROUPS);
        int kh = layout.get(KH);
        int kw = layout.get(KW);
        int ow = layout.get(OW);
        int positions = layout.get(OH) * ow;
        int columns = layout.get(N) * positions;
        int rows = groupChannels * kh * kw;
        for (@Parallel int i = 0; i < cols.getSize(); i++) {
            int column = i % columns;
            int row = (i / columns) % rows;
            int g = i / (columns * rows);
            int n = column / positions;
            int oy = (column % positions) / ow;
            int ox = column % ow;
            int kx = row % kw;
            int ky = (row / kw) % kh;
            int channel = g * groupChannels + row / (kw * kh);
            int y = oy * layout.get(STRIDE_H) - layout.get(PAD_H) + ky * layout.get(DILATION_H);
            int x = ox * layout.get(STRIDE_W) - layout.get(PAD_W) + kx * layout.get(DILATION_W);
            float value = 0f;
            if (y >= 0 && y < h && x >= 0 && x < w) {
                value = input.get(((n * c + channel) * h + y) * w + x);
            }
            cols.set(i, value);
        }
    }

    /**
     * The adjoint of {@link #im2col}: {@code gradInput[n, c, y, x] = Σ cols[...]} over the kernel taps (ky, kx)
     * whose output position (oy, ox) = ((y + ph − ky·dh) / sh, (x + pw − kx·dw) / sw) divides exactly and lies
     * in the output. One work item per input element gathers its taps, so no two items write one element.
     */
    public static void col2im(FloatArray cols, FloatArray gradInput, IntArray layout) {
        int c = layout.get(C);
        int h = layout.get(H);
        int w = layout.get(W);
        int groupChannels = c / layout.get(GROUPS);
        int kh = layout.get(KH);
        int kw = layout.get(KW);
        int oh = layout.get(OH);
        int ow = layout.get(OW);
        int strideH = layout.get(STRIDE_H);
        int strideW = layout.get(STRIDE_W);
        int positions = oh * ow;
        int columns = layout.get(N) * positions;
        int rows = groupChannels * kh * kw;
        for (@Parallel int i = 0; i < gradInput.getSize(); i++) {
            int x = i % w;
            int y = (i / w) % h;
            int channel = (i / (w * h)) % c;
            int n = i / (w * h * c);
            int g = channel / groupChannels;
            int base = (g * rows + (channel % groupChannels) * kh * kw) * columns + n * positions;
            float sum = 0f;
            for (int ky = 0; ky < kh; ky++) {
                int ty = y + layout.get(PAD_H) - ky * layout.get(DILATION_H);
                int oy = ty / strideH;
                if (ty >= 0 && oy * strideH == ty && oy < oh) {
                    for (int kx = 0; kx < kw; kx++) {
                        int tx = x + layout.get(PAD_W) - kx * layout.get(DILATION_W);
                        int ox = tx / strideW;
                        if (tx >= 0 && ox * strideW == tx && ox < ow) {
                            sum += cols.get(base + (ky * kw + kx) * columns + oy * ow + ox);
                        }
                    }
                }
            }
            gradInput.set(i, sum);
        }
    }

    /** {@code out[o, j] += bias[o]} for out dense [O, N·L] (the GEMM's output, output channel first). */
    public static void addBias(FloatArray out, FloatArray bias, IntArray layout) {
        int columns = layout.get(N) * layout.get(OH) * layout.get(OW);
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            out.set(i, out.get(i) + bias.get(i / columns));
        }
    }
}
