package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Pool2dParams;

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
     * The mean of each window. The window's rows are {@code [h0, h1)} with {@code h0 = oh·strideH - padH}
     * and {@code h1 = min(h0 + kernelH, H + padH)}: it may reach into the padding but never beyond it (a
     * ceil-mode window is cut at the padded border). The sum runs over the rows inside {@code [0, H)}; the
     * divisor is the window's area including padding when {@code countIncludePad}, else the area inside the
     * input. Dilation must be 1.
     */
    static void avgPool2d(Tensor input, Pool2dParams p, Tensor out) {
        int[] shape = input.shape();
        int height = shape[2];
        int width = shape[3];
        Nchw x = new Nchw(input);
        Nchw y = new Nchw(out);
        for (int n = 0; n < shape[0]; n++) {
            for (int c = 0; c < shape[1]; c++) {
                for (int oh = 0; oh < out.size(2); oh++) {
                    int h0 = oh * p.strideH() - p.padH();
                    int h1 = Math.min(h0 + p.kernelH(), height + p.padH());
                    for (int ow = 0; ow < out.size(3); ow++) {
                        int w0 = ow * p.strideW() - p.padW();
                        int w1 = Math.min(w0 + p.kernelW(), width + p.padW());
                        int paddedArea = (h1 - h0) * (w1 - w0);
                        double sum = 0;
                        int inside = 0;
                        for (int h = Math.max(h0, 0); h < Math.min(h1, height); h++) {
                            for (int w = Math.max(w0, 0); w < Math.min(w1, width); w++) {
                                sum += x.get(n, c, h, w);
                                inside++;
                            }
                        }
                        y.set(n, c, oh, ow, (float) (sum / (p.countIncludePad() ? paddedArea : inside)));
                    }
                }
            }
        }
    }

    /**
     * Adaptive average pooling to {@code out}'s spatial size: output row {@code i} of {@code outH} averages
     * input rows {@code [floor(i·H / outH), ceil((i + 1)·H / outH))}, likewise columns (PyTorch's rule;
     * neighbouring windows may overlap).
     */
    static void adaptiveAvgPool2d(Tensor input, Tensor out) {
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
                    int h0 = Math.floorDiv(oh * height, outH);
                    int h1 = Math.ceilDiv((oh + 1) * height, outH);
                    for (int ow = 0; ow < outW; ow++) {
                        int w0 = Math.floorDiv(ow * width, outW);
                        int w1 = Math.ceilDiv((ow + 1) * width, outW);
                        double sum = 0;
                        for (int h = h0; h < h1; h++) {
                            for (int w = w0; w < w1; w++) {
                                sum += x.get(n, c, h, w);
                            }
                        }
                        y.set(n, c, oh, ow, (float) (sum / ((h1 - h0) * (w1 - w0))));
                    }
                }
            }
        }
    }
}
