package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Pool2dParams;
import java.util.function.Consumer;

/**
 * Max, average and adaptive average pooling over each {@code [H, W]} plane of an {@code [N, C, H, W]}
 * tensor, with PyTorch's window rules. Output {@code (oh, ow)} looks at input rows
 * {@code h = oh·strideH - padH + kh·dilationH} for {@code kh < kernelH} (likewise columns); rows outside
 * {@code [0, H)} are padding.
 */
final class ReferencePooling {
    private ReferencePooling() {
    }

    /**
     * The largest value in each window and, when {@code indices} is not null, its flat position
     * {@code h·W + w} in the input plane. A NaN counts as the largest value (the last NaN in row-major
     * window order is reported, as PyTorch does); among equal values the first wins. Every window holds at
     * least one input position (the front-end rejects geometries where one would not).
     */
    static void maxPool2d(Tensor input, Pool2dParams p, Tensor out, Tensor indices) {
        int[] shape = input.shape();
        int height = shape[2];
        int width = shape[3];
        int outH = out.size(2);
        int outW = out.size(3);
        Nchw x = new Nchw(input);
        Nchw y = new Nchw(out);
        for (int n = 0; n < shape[0]; n++) {
            for (int c = 0; c < shape[1]; c++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        float max = Float.NEGATIVE_INFINITY;
                        int argmax = -1;
                        for (int kh = 0; kh < p.kernelH(); kh++) {
                            int h = oh * p.strideH() - p.padH() + kh * p.dilationH();
                            if (h < 0 || h >= height) {
                                continue;
                            }
                            for (int kw = 0; kw < p.kernelW(); kw++) {
                                int w = ow * p.strideW() - p.padW() + kw * p.dilationW();
                                if (w < 0 || w >= width) {
                                    continue;
                                }
                                float v = x.get(n, c, h, w);
                                if (argmax < 0 || v > max || Float.isNaN(v)) {
                                    max = v;
                                    argmax = h * width + w;
                                }
                            }
                        }
                        y.set(n, c, oh, ow, max);
                        if (indices != null) {
                            indices.longData()[indices.storageIndex(n, c, oh, ow)] = argmax;
                        }
                    }
                }
            }
        }
    }

    /**
     * The mean of each window (see {@link #forEachAvgWindow} for the window and its divisor). Dilation
     * must be 1.
     */
    static void avgPool2d(Tensor input, Pool2dParams p, Tensor out) {
        averageWindows(input, out, visitor -> forEachAvgWindow(input.shape(), out.shape(), p, visitor));
    }

    /**
     * Gradient of {@link #avgPool2d}: y = Σ_window x / divisor, so every input position of output
     * {@code (oh, ow)}'s window receives {@code gradOut(oh, ow) / divisor}, summed over the (possibly
     * overlapping) windows that contain it. gradInput is overwritten.
     */
    static void avgPool2dBackward(Tensor gradOut, Pool2dParams p, Tensor gradInput) {
        scatterWindows(gradOut, gradInput, visitor -> forEachAvgWindow(gradInput.shape(), gradOut.shape(), p, visitor));
    }

    /**
     * Adaptive average pooling to {@code out}'s spatial size: output row {@code i} of {@code outH} averages
     * input rows {@code [floor(i·H / outH), ceil((i + 1)·H / outH))}, likewise columns (PyTorch's rule;
     * neighbouring windows may overlap).
     */
    static void adaptiveAvgPool2d(Tensor input, Tensor out) {
        averageWindows(input, out, visitor -> forEachAdaptiveWindow(input.shape(), out.shape(), visitor));
    }

    /** Gradient of {@link #adaptiveAvgPool2d}: each window's input positions receive gradOut / window area. */
    static void adaptiveAvgPool2dBackward(Tensor gradOut, Tensor gradInput) {
        scatterWindows(gradOut, gradInput, visitor -> forEachAdaptiveWindow(gradInput.shape(), gradOut.shape(), visitor));
    }

    /** One averaging window: output (n, c, oh, ow) averages input rows [h0, h1) × columns [w0, w1), divided by divisor. */
    @FunctionalInterface
    private interface AvgWindow {
        void visit(int n, int c, int oh, int ow, int h0, int h1, int w0, int w1, int divisor);
    }

    /**
     * The windows of average pooling, in output order. Output {@code (oh, ow)}'s window spans the padded
     * rows {@code [oh·strideH - padH, min(that + kernelH, H + padH))}: it may reach into the padding but
     * never beyond it (a ceil-mode window is cut at the padded border). The visitor gets the part inside
     * the input; the divisor is the padded window's area when {@code countIncludePad}, else the inside area.
     */
    private static void forEachAvgWindow(int[] inShape, int[] outShape, Pool2dParams p, AvgWindow visitor) {
        int height = inShape[2];
        int width = inShape[3];
        for (int n = 0; n < outShape[0]; n++) {
            for (int c = 0; c < outShape[1]; c++) {
                for (int oh = 0; oh < outShape[2]; oh++) {
                    int h0 = oh * p.strideH() - p.padH();
                    int h1 = Math.min(h0 + p.kernelH(), height + p.padH());
                    for (int ow = 0; ow < outShape[3]; ow++) {
                        int w0 = ow * p.strideW() - p.padW();
                        int w1 = Math.min(w0 + p.kernelW(), width + p.padW());
                        int top = Math.max(h0, 0), bottom = Math.min(h1, height);
                        int left = Math.max(w0, 0), right = Math.min(w1, width);
                        int divisor = p.countIncludePad() ? (h1 - h0) * (w1 - w0) : (bottom - top) * (right - left);
                        visitor.visit(n, c, oh, ow, top, bottom, left, right, divisor);
                    }
                }
            }
        }
    }

    /** The windows of adaptive average pooling, in output order (rows [floor(i·H/OH), ceil((i+1)·H/OH))). */
    private static void forEachAdaptiveWindow(int[] inShape, int[] outShape, AvgWindow visitor) {
        int height = inShape[2];
        int width = inShape[3];
        int outH = outShape[2];
        int outW = outShape[3];
        for (int n = 0; n < outShape[0]; n++) {
            for (int c = 0; c < outShape[1]; c++) {
                for (int oh = 0; oh < outH; oh++) {
                    int h0 = Math.floorDiv(oh * height, outH);
                    int h1 = Math.ceilDiv((oh + 1) * height, outH);
                    for (int ow = 0; ow < outW; ow++) {
                        int w0 = Math.floorDiv(ow * width, outW);
                        int w1 = Math.ceilDiv((ow + 1) * width, outW);
                        visitor.visit(n, c, oh, ow, h0, h1, w0, w1, (h1 - h0) * (w1 - w0));
                    }
                }
            }
        }
    }

    /** Writes each window's sum (in double) over its divisor to its output, for every window the walk visits. */
    private static void averageWindows(Tensor input, Tensor out, Consumer<AvgWindow> walk) {
        Nchw x = new Nchw(input);
        Nchw y = new Nchw(out);
        walk.accept((n, c, oh, ow, h0, h1, w0, w1, divisor) -> {
            double sum = 0;
            for (int h = h0; h < h1; h++) {
                for (int w = w0; w < w1; w++) {
                    sum += x.get(n, c, h, w);
                }
            }
            y.set(n, c, oh, ow, (float) (sum / divisor));
        });
    }

    /** Zeroes gradInput, then adds gradOut / divisor over every window the given walk visits (in double). */
    private static void scatterWindows(Tensor gradOut, Tensor gradInput, Consumer<AvgWindow> walk) {
        int[] shape = gradInput.shape();
        double[] sums = new double[gradInput.numel()];
        Nchw dy = new Nchw(gradOut);
        walk.accept((n, c, oh, ow, h0, h1, w0, w1, divisor) -> {
            double share = (double) dy.get(n, c, oh, ow) / divisor;
            for (int h = h0; h < h1; h++) {
                for (int w = w0; w < w1; w++) {
                    sums[((n * shape[1] + c) * shape[2] + h) * shape[3] + w] += share;
                }
            }
        });
        Nchw dx = new Nchw(gradInput);
        for (int n = 0; n < shape[0]; n++) {
            for (int c = 0; c < shape[1]; c++) {
                for (int h = 0; h < shape[2]; h++) {
                    for (int w = 0; w < shape[3]; w++) {
                        dx.set(n, c, h, w, (float) sums[((n * shape[1] + c) * shape[2] + h) * shape[3] + w]);
                    }
                }
            }
        }
    }
}
