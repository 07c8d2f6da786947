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
        int outW = s.outW();
        int dst = 0;
        for (int c = 0; c < channelCount; c++) {
            for (int kh = 0; kh < s.kernelH(); kh++) {
                for (int kw = 0; kw < s.kernelW(); kw++) {
                    int shiftW = kw * p.dilationW() - p.padW();
                    int firstOw = firstInside(shiftW, p.strideW());
                    int endOw = endInside(shiftW, p.strideW(), s.width(), outW);
                    int step = p.strideW() * strideW;
                    for (int oh = p0 / outW; oh * outW < p1; oh++) {
                        // This output row's part of the tile: columns [from, to), stored from col[dst].
                        int from = Math.max(p0 - oh * outW, 0);
                        int to = Math.min(p1 - oh * outW, outW);
                        int h = oh * p.strideH() - p.padH() + kh * p.dilationH();
                        int lo = clamp(firstOw, from, to);
                        int hi = h >= 0 && h < s.height() ? clamp(endOw, lo, to) : lo;
                        int at = dst - from;
                        Arrays.fill(col, at + from, at + lo, 0f);
                        if (hi > lo) {
                            int src = base + c * strideC + h * strideH + (lo * p.strideW() + shiftW) * strideW;
                            if (step == 1) {
                                System.arraycopy(x, src, col, at + lo, hi - lo);
                            } else {
                                for (int i = at + lo; i < at + hi; i++, src += step) {
                                    col[i] = x[src];
                                }
                            }
                        }
                        Arrays.fill(col, at + hi, at + to, 0f);
                        dst += to - from;
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
        int outW = s.outW();
        int src = 0;
        for (int c = 0; c < channelCount; c++) {
            for (int kh = 0; kh < s.kernelH(); kh++) {
                for (int kw = 0; kw < s.kernelW(); kw++) {
                    int shiftW = kw * p.dilationW() - p.padW();
                    int firstOw = firstInside(shiftW, p.strideW());
                    int endOw = endInside(shiftW, p.strideW(), s.width(), outW);
                    int step = p.strideW();
                    for (int oh = p0 / outW; oh * outW < p1; oh++) {
                        int from = Math.max(p0 - oh * outW, 0);
                        int to = Math.min(p1 - oh * outW, outW);
                        int h = oh * p.strideH() - p.padH() + kh * p.dilationH();
                        if (h >= 0 && h < s.height()) {
                            int lo = clamp(firstOw, from, to);
                            int hi = clamp(endOw, lo, to);
                            int at = src - from;
                            int dst = base + c * s.inputPlane() + h * s.width() + lo * step + shiftW;
                            if (step == 1) {
                                // Kept apart from the strided loop so that the JIT can vectorise it.
                                for (int i = 0; i < hi - lo; i++) {
                                    dx[dst + i] += col[at + lo + i];
                                }
                            } else {
                                for (int i = at + lo; i < at + hi; i++, dst += step) {
                                    dx[dst] += col[i];
                                }
                            }
                        }
                        src += to - from;
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
