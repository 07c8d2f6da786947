package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Pool2dParams;

/**
 * Pooling over the {@code [H, W]} planes of an {@code [N, C, H, W]} tensor, spread over threads by plane.
 * Same window rules and results as {@code ReferencePooling}; each window's in-bounds rows and columns are
 * computed up front so the inner loops carry no bounds checks.
 */
final class CpuPooling {
    /** Input elements per chunk of planes below which splitting over threads does not pay. */
    private static final int MIN_CHUNK_ELEMENTS = 1 << 14;

    private CpuPooling() {
    }

    /** Max pooling; a NaN counts as the largest value, and among equal values the first wins. */
    static void maxPool2d(Parallel parallel, Tensor input, Pool2dParams p, Tensor out, Tensor indices) {
        int height = input.size(2);
        int width = input.size(3);
        int outH = out.size(2);
        int outW = out.size(3);
        float[] x = input.floatData();
        float[] y = out.floatData();
        long[] argmax = indices == null ? null : indices.longData();
        forEachPlane(parallel, input, (plane, base, strideH, strideW) -> {
            int at = plane * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                int h0 = oh * p.strideH() - p.padH();
                int khLo = firstTap(h0, p.dilationH());
                int khHi = endTap(h0, p.dilationH(), p.kernelH(), height);
                for (int ow = 0; ow < outW; ow++, at++) {
                    int w0 = ow * p.strideW() - p.padW();
                    int kwLo = firstTap(w0, p.dilationW());
                    int kwHi = endTap(w0, p.dilationW(), p.kernelW(), width);
                    float max = Float.NEGATIVE_INFINITY;
                    int best = -1;
                    for (int kh = khLo; kh < khHi; kh++) {
                        int h = h0 + kh * p.dilationH();
                        for (int kw = kwLo; kw < kwHi; kw++) {
                            int w = w0 + kw * p.dilationW();
                            float v = x[base + h * strideH + w * strideW];
                            if (best < 0 || v > max || Float.isNaN(v)) {
                                max = v;
                                best = h * width + w;
                            }
                        }
                    }
                    y[out.offset() + at] = max;
                    if (argmax != null) {
                        argmax[indices.offset() + at] = best;
                    }
                }
            }
        });
    }

    /** Average pooling with PyTorch's divisor rule (see {@code ReferencePooling.avgPool2d}); dilation is 1. */
    static void avgPool2d(Parallel parallel, Tensor input, Pool2dParams p, Tensor out) {
        int height = input.size(2);
        int width = input.size(3);
        int outH = out.size(2);
        int outW = out.size(3);
        float[] x = input.floatData();
        float[] y = out.floatData();
        forEachPlane(parallel, input, (plane, base, strideH, strideW) -> {
            int at = out.offset() + plane * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                int h0 = oh * p.strideH() - p.padH();
                int h1 = Math.min(h0 + p.kernelH(), height + p.padH());
                for (int ow = 0; ow < outW; ow++, at++) {
                    int w0 = ow * p.strideW() - p.padW();
                    int w1 = Math.min(w0 + p.kernelW(), width + p.padW());
                    int rows = Math.min(h1, height) - Math.max(h0, 0);
                    int cols = Math.min(w1, width) - Math.max(w0, 0);
                    float sum = windowSum(x, base, strideH, strideW, Math.max(h0, 0), rows, Math.max(w0, 0), cols);
                    y[at] = sum / (p.countIncludePad() ? (h1 - h0) * (w1 - w0) : rows * cols);
                }
            }
        });
    }

    /** Adaptive average pooling: output row i averages rows [floor(i·H/OH), ceil((i+1)·H/OH)), likewise columns. */
    static void adaptiveAvgPool2d(Parallel parallel, Tensor input, Tensor out) {
        int height = input.size(2);
        int width = input.size(3);
        int outH = out.size(2);
        int outW = out.size(3);
        float[] x = input.floatData();
        float[] y = out.floatData();
        forEachPlane(parallel, input, (plane, base, strideH, strideW) -> {
            int at = out.offset() + plane * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                int h0 = Math.floorDiv(oh * height, outH);
                int rows = Math.ceilDiv((oh + 1) * height, outH) - h0;
                for (int ow = 0; ow < outW; ow++, at++) {
                    int w0 = Math.floorDiv(ow * width, outW);
                    int cols = Math.ceilDiv((ow + 1) * width, outW) - w0;
                    y[at] = windowSum(x, base, strideH, strideW, h0, rows, w0, cols) / (rows * cols);
                }
            }
        });
    }

    private static float windowSum(float[] x, int base, int strideH, int strideW, int h0, int rows, int w0, int cols) {
        float sum = 0f;
        for (int h = h0; h < h0 + rows; h++) {
            int row = base + h * strideH;
            for (int w = w0; w < w0 + cols; w++) {
                sum += x[row + w * strideW];
            }
        }
        return sum;
    }

    /** The first kernel tap k with {@code start + k·dilation >= 0}. */
    private static int firstTap(int start, int dilation) {
        return start >= 0 ? 0 : Math.ceilDiv(-start, dilation);
    }

    /** One past the last kernel tap k < kernel with {@code start + k·dilation < size}. */
    private static int endTap(int start, int dilation, int kernel, int size) {
        return Math.max(0, Math.min(kernel, Math.floorDiv(size - 1 - start, dilation) + 1));
    }

    /** Work on one input plane: {@code plane = n·C + c}, element (h, w) at {@code base + h·strideH + w·strideW}. */
    @FunctionalInterface
    private interface PlaneTask {
        void run(int plane, int base, int strideH, int strideW);
    }

    private static void forEachPlane(Parallel parallel, Tensor input, PlaneTask task) {
        int channels = input.size(1);
        int[] strides = input.strides();
        int planeSize = Math.max(1, input.size(2) * input.size(3));
        parallel.forRange(input.size(0) * channels, Math.ceilDiv(MIN_CHUNK_ELEMENTS, planeSize), (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int base = input.offset() + plane / channels * strides[0] + plane % channels * strides[1];
                task.run(plane, base, strides[2], strides[3]);
            }
        });
    }
}
