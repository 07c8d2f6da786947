package dev.cortado.tensor.cpu;

import dev.cortado.tensor.backend.Conv2dParams;
import java.util.Arrays;

/**
 * The patch matrix of a convolution and its adjoint. For one sample and a range of input channels,
 * {@code col[(c·kernelH + kh)·kernelW + kw][p - p0] = x[c, h, w]} for output positions
 * {@code p = oh·outW + ow} in {@code [p0, p1)}, with {@code h = oh·strideH - padH + kh·dilationH},
 * {@code w = ow·strideW - padW + kw·dilationW}, and 0 where (h, w) falls in the padding. A convolution is
 * then {@code weight [O, patch] · col [patch, positions]}.
 *
 * <p>Both directions walk one patch row at a time in runs of consecutive output columns; for each run
 * the in-bounds columns form one interval computed up front, so the inner loops carry no bounds checks.
 */
final class Im2col {
    private Im2col() {
    }

    /**
     * Fills {@code col} (row-major, {@code channelCount·taps} rows of {@code p1 - p0} values) from the
     * input channels starting at {@code x[base]}, with the channel, row and column strides of the input view.
     */
    static void gather(ConvShape s, float[] x, int base, int strideC, int strideH, int strideW,
                       int channelCount, int p0, int p1, float[] col) {
        Conv2dParams p = s.params();
        int dst = 0;
        for (int c = 0; c < channelCount; c++) {
            for (int kh = 0; kh < s.kernelH(); kh++) {
                for (int kw = 0; kw < s.kernelW(); kw++) {
                    int shiftW = kw * p.dilationW() - p.padW();
                    int firstOw = firstInside(shiftW, p.strideW());
                    int endOw = endInside(shiftW, p.strideW(), s.width(), s.outW());
                    for (int pos = p0; pos < p1; ) {
                        int oh = pos / s.outW();
                        int ow = pos - oh * s.outW();
                        int run = Math.min(p1 - pos, s.outW() - ow);
                        int h = oh * p.strideH() - p.padH() + kh * p.dilationH();
                        int lo = clamp(firstOw, ow, ow + run);
                        int hi = h >= 0 && h < s.height() ? clamp(endOw, lo, ow + run) : lo;
                        Arrays.fill(col, dst, dst + lo - ow, 0f);
                        if (hi > lo) {
                            int src = base + c * strideC + h * strideH + (lo * p.strideW() + shiftW) * strideW;
                            int step = p.strideW() * strideW;
                            if (step == 1) {
                                System.arraycopy(x, src, col, dst + lo - ow, hi - lo);
                            } else {
                                for (int i = dst + lo - ow; i < dst + hi - ow; i++, src += step) {
                                    col[i] = x[src];
                                }
                            }
                        }
                        Arrays.fill(col, dst + hi - ow, dst + run, 0f);
                        dst += run;
                        pos += run;
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #gather}: adds every value of {@code col} (laid out as gather writes it) into the
     * input position it was read from, in the dense planes {@code dx[base + c·height·width + h·width + w]};
     * values that came from the padding are dropped.
     */
    static void scatterAdd(ConvShape s, float[] col, int channelCount, int p0, int p1, float[] dx, int base) {
        Conv2dParams p = s.params();
        int src = 0;
        for (int c = 0; c < channelCount; c++) {
            for (int kh = 0; kh < s.kernelH(); kh++) {
                for (int kw = 0; kw < s.kernelW(); kw++) {
                    int shiftW = kw * p.dilationW() - p.padW();
                    int firstOw = firstInside(shiftW, p.strideW());
                    int endOw = endInside(shiftW, p.strideW(), s.width(), s.outW());
                    for (int pos = p0; pos < p1; ) {
                        int oh = pos / s.outW();
                        int ow = pos - oh * s.outW();
                        int run = Math.min(p1 - pos, s.outW() - ow);
                        int h = oh * p.strideH() - p.padH() + kh * p.dilationH();
                        if (h >= 0 && h < s.height()) {
                            int lo = clamp(firstOw, ow, ow + run);
                            int hi = clamp(endOw, lo, ow + run);
                            int dst = base + c * s.inputPlane() + h * s.width() + lo * p.strideW() + shiftW;
                            for (int i = src + lo - ow; i < src + hi - ow; i++, dst += p.strideW()) {
                                dx[dst] += col[i];
                            }
                        }
                        src += run;
                        pos += run;
                    }
                }
            }
        }
    }

    /** The first output column whose input column {@code ow·stride + shift} is not left of the input. */
    private static int firstInside(int shift, int stride) {
        return Math.max(0, Math.ceilDiv(-shift, stride));
    }

    /** One past the last output column whose input column {@code ow·stride + shift} is inside the width. */
    private static int endInside(int shift, int stride, int width, int outW) {
        return Math.min(outW, Math.floorDiv(width - 1 - shift, stride) + 1);
    }

    private static int clamp(int value, int lo, int hi) {
        return Math.min(Math.max(value, lo), hi);
    }
}
