package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Pool2dParams;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Pooling over the {@code [H, W]} planes of an {@code [N, C, H, W]} tensor, spread over threads by plane.
 * Same window rules and results as {@code ReferencePooling} (averages up to float rounding); the in-bounds
 * part of each window is computed before the loops that read it, so those loops carry no bounds tests.
 */
final class CpuPooling {
    /** Input elements per chunk of planes below which splitting over threads does not pay. */
    private static final int MIN_CHUNK_ELEMENTS = 1 << 14;

    private CpuPooling() {
    }

    /**
     * Max pooling; a NaN counts as the largest value, and among equal values the first wins. For one
     * output row at a time the taps are visited in window order (kh, then kw), and each tap updates every
     * output column it reaches in one long loop. Each output sees the same comparisons in the same order
     * as in a window-by-window scan, so values and indices equal the reference's, while the inner loop
     * runs over the whole row instead of over a 2- or 3-tap kernel row.
     */
    static void maxPool2d(Parallel parallel, Tensor input, Pool2dParams p, Tensor out, Tensor indices) {
        int height = input.size(2);
        int width = input.size(3);
        int outH = out.size(2);
        int outW = out.size(3);
        float[] x = input.floatData();
        float[] y = out.floatData();
        long[] argmax = indices == null ? null : indices.longData();
        ColumnReach reach = ColumnReach.of(outW, width, p.kernelW(), p.strideW(), p.padW(), p.dilationW());
        forEachPlane(parallel, input, input.size(2) * input.size(3), outW, (plane, base, strideH, strideW, best) -> {
            for (int oh = 0; oh < outH; oh++) {
                int row = (plane * outH + oh) * outW;
                int yAt = out.offset() + row;
                Arrays.fill(y, yAt, yAt + outW, Float.NEGATIVE_INFINITY);
                Arrays.fill(best, -1);
                for (int kh = 0; kh < p.kernelH(); kh++) {
                    int h = oh * p.strideH() - p.padH() + kh * p.dilationH();
                    if (h < 0 || h >= height) {
                        continue;
                    }
                    for (int kw = 0; kw < p.kernelW(); kw++) {
                        int shift = kw * p.dilationW() - p.padW();
                        for (int ow = reach.first[kw]; ow < reach.end[kw]; ow++) {
                            int w = ow * p.strideW() + shift;
                            float v = x[base + h * strideH + w * strideW];
                            if (best[ow] < 0 || v > y[yAt + ow] || Float.isNaN(v)) {
                                y[yAt + ow] = v;
                                best[ow] = h * width + w;
                            }
                        }
                    }
                }
                if (argmax != null) {
                    for (int ow = 0; ow < outW; ow++) {
                        argmax[indices.offset() + row + ow] = best[ow];
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
        forEachPlane(parallel, input, input.size(2) * input.size(3), 0, (plane, base, strideH, strideW, unused) -> {
            int at = out.offset() + plane * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                int h0 = oh * p.strideH() - p.padH();
                int h1 = Math.min(h0 + p.kernelH(), height + p.padH());
                for (int ow = 0; ow < outW; ow++, at++) {
                    int w0 = ow * p.strideW() - p.padW();
                    int w1 = Math.min(w0 + p.kernelW(), width + p.padW());
                    int top = Math.max(h0, 0);
                    int left = Math.max(w0, 0);
                    int rows = Math.min(h1, height) - top;
                    int cols = Math.min(w1, width) - left;
                    float sum = windowSum(x, base, strideH, strideW, width, top, rows, left, cols);
                    y[at] = sum / (p.countIncludePad() ? (h1 - h0) * (w1 - w0) : rows * cols);
                }
            }
        });
    }

    /** Adaptive average pooling: output row i averages rows [floor(i·H/OH), ceil((i+1)·H/OH)), same for columns. */
    static void adaptiveAvgPool2d(Parallel parallel, Tensor input, Tensor out) {
        int height = input.size(2);
        int width = input.size(3);
        int outH = out.size(2);
        int outW = out.size(3);
        float[] x = input.floatData();
        float[] y = out.floatData();
        forEachPlane(parallel, input, input.size(2) * input.size(3), 0, (plane, base, strideH, strideW, unused) -> {
            int at = out.offset() + plane * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                int h0 = Math.floorDiv(oh * height, outH);
                int rows = Math.ceilDiv((oh + 1) * height, outH) - h0;
                for (int ow = 0; ow < outW; ow++, at++) {
                    int w0 = Math.floorDiv(ow * width, outW);
                    int cols = Math.ceilDiv((ow + 1) * width, outW) - w0;
                    y[at] = windowSum(x, base, strideH, strideW, width, h0, rows, w0, cols) / (rows * cols);
                }
            }
        });
    }

    /**
     * Gradient of average pooling: each output's gradient divided by its forward divisor is added over its
     * window's inside part, one plane of gradInput (dense, overwritten) per task.
     */
    static void avgPool2dBackward(Parallel parallel, Tensor gradOut, Pool2dParams p, Tensor gradInput) {
        int height = gradInput.size(2);
        int width = gradInput.size(3);
        int outH = gradOut.size(2);
        int outW = gradOut.size(3);
        float[] dy = gradOut.floatData();
        float[] dx = gradInput.floatData();
        forEachPlane(parallel, gradOut, height * width, 0, (plane, base, strideH, strideW, unused) -> {
            int planeAt = gradInput.offset() + plane * height * width;
            Arrays.fill(dx, planeAt, planeAt + height * width, 0f);
            for (int oh = 0; oh < outH; oh++) {
                int h0 = oh * p.strideH() - p.padH();
                int h1 = Math.min(h0 + p.kernelH(), height + p.padH());
                int top = Math.max(h0, 0);
                int rows = Math.min(h1, height) - top;
                for (int ow = 0; ow < outW; ow++) {
                    int w0 = ow * p.strideW() - p.padW();
                    int w1 = Math.min(w0 + p.kernelW(), width + p.padW());
                    int left = Math.max(w0, 0);
                    int cols = Math.min(w1, width) - left;
                    int divisor = p.countIncludePad() ? (h1 - h0) * (w1 - w0) : rows * cols;
                    float share = dy[base + oh * strideH + ow * strideW] / divisor;
                    addToWindow(dx, planeAt, width, top, rows, left, cols, share);
                }
            }
        });
    }

    /** Gradient of adaptive average pooling: each output's gradient over its window's area, added over the window. */
    static void adaptiveAvgPool2dBackward(Parallel parallel, Tensor gradOut, Tensor gradInput) {
        int height = gradInput.size(2);
        int width = gradInput.size(3);
        int outH = gradOut.size(2);
        int outW = gradOut.size(3);
        float[] dy = gradOut.floatData();
        float[] dx = gradInput.floatData();
        forEachPlane(parallel, gradOut, height * width, 0, (plane, base, strideH, strideW, unused) -> {
            int planeAt = gradInput.offset() + plane * height * width;
            Arrays.fill(dx, planeAt, planeAt + height * width, 0f);
            for (int oh = 0; oh < outH; oh++) {
                int h0 = Math.floorDiv(oh * height, outH);
                int rows = Math.ceilDiv((oh + 1) * height, outH) - h0;
                for (int ow = 0; ow < outW; ow++) {
                    int w0 = Math.floorDiv(ow * width, outW);
                    int cols = Math.ceilDiv((ow + 1) * width, outW) - w0;
                    float share = dy[base + oh * strideH + ow * strideW] / (rows * cols);
                    addToWindow(dx, planeAt, width, h0, rows, w0, cols, share);
                }
            }
        });
    }

    /** Adds {@code value} to rows {@code [h0, h0 + rows)} × columns {@code [w0, w0 + cols)} of a dense plane at {@code planeAt}. */
    private static void addToWindow(float[] plane, int planeAt, int width, int h0, int rows, int w0, int cols,
                                    float value) {
        for (int h = h0; h < h0 + rows; h++) {
            int start = planeAt + h * width + w0;
            int i = 0;
            for (int bound = Simd.FLOAT.loopBound(cols); i < bound; i += Simd.LANES) {
                FloatVector.fromArray(Simd.FLOAT, plane, start + i).add(value).intoArray(plane, start + i);
            }
            for (; i < cols; i++) {
                plane[start + i] += value;
            }
        }
    }

    /**
     * Sum of the window rows {@code [h0, h0 + rows)} × columns {@code [w0, w0 + cols)} of one plane. Unit
     * column stride lets each row, or the whole window when it spans complete rows of a dense plane, be
     * summed as one contiguous run with vectors.
     */
    private static float windowSum(float[] x, int base, int strideH, int strideW, int width, int h0, int rows,
                                   int w0, int cols) {
        if (strideW != 1) {
            float sum = 0f;
            for (int h = h0; h < h0 + rows; h++) {
                for (int w = w0; w < w0 + cols; w++) {
                    sum += x[base + h * strideH + w * strideW];
                }
            }
            return sum;
        }
        if (cols == width && strideH == width) {
            return runSum(x, base + h0 * width, rows * width);
        }
        float sum = 0f;
        for (int h = h0; h < h0 + rows; h++) {
            sum += runSum(x, base + h * strideH + w0, cols);
        }
        return sum;
    }

    private static float runSum(float[] x, int start, int count) {
        FloatVector partial = FloatVector.zero(Simd.FLOAT);
        int i = 0;
        for (int bound = Simd.FLOAT.loopBound(count); i < bound; i += Simd.LANES) {
            partial = partial.add(FloatVector.fromArray(Simd.FLOAT, x, start + i));
        }
        float sum = Simd.sum(partial);
        for (; i < count; i++) {
            sum += x[start + i];
        }
        return sum;
    }

    /**
     * For each kernel column kw, the output columns whose window puts it inside the input: ow in
     * {@code [first[kw], end[kw])} have {@code 0 <= ow·stride - pad + kw·dilation < width}.
     */
    private record ColumnReach(int[] first, int[] end) {
        static ColumnReach of(int outW, int width, int kernel, int stride, int pad, int dilation) {
            int[] first = new int[kernel];
            int[] end = new int[kernel];
            for (int k = 0; k < kernel; k++) {
                int shift = k * dilation - pad;
                first[k] = Math.min(outW, Math.max(0, Math.ceilDiv(-shift, stride)));
                end[k] = Math.max(first[k], Math.min(outW, Math.floorDiv(width - 1 - shift, stride) + 1));
            }
            return new ColumnReach(first, end);
        }
    }

    /**
     * Work on one input plane: {@code plane = n·C + c}, element (h, w) at {@code base + h·strideH + w·strideW};
     * {@code scratch} belongs to the calling thread's chunk of planes.
     */
    @FunctionalInterface
    private interface PlaneTask {
        void run(int plane, int base, int strideH, int strideW, int[] scratch);
    }

    /**
     * Runs task on every plane of {@code input} (its strides give {@code base}), in chunks of planes over the
     * threads sized by {@code workPerPlane} elements, each chunk with scratchInts of scratch.
     */
    private static void forEachPlane(Parallel parallel, Tensor input, int workPerPlane, int scratchInts,
                                     PlaneTask task) {
        int channels = input.size(1);
        int[] strides = input.strides();
        int planeSize = Math.max(1, workPerPlane);
        parallel.forRange(input.size(0) * channels, Math.ceilDiv(MIN_CHUNK_ELEMENTS, planeSize), (start, end) -> {
            int[] scratch = new int[scratchInts];
            for (int plane = start; plane < end; plane++) {
                int base = input.offset() + plane / channels * strides[0] + plane % channels * strides[1];
                task.run(plane, base, strides[2], strides[3], scratch);
            }
        });
    }
}
