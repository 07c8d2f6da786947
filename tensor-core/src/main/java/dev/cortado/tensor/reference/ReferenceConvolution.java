package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Conv2dParams;

/**
 * 2-D convolution (cross-correlation, as in PyTorch) and its two gradients, written as the defining
 * sums with double accumulators. With {@code G = groups}, {@code Cg = C/G} input and {@code Og = O/G}
 * output channels per group, output channel {@code o} belongs to group {@code g = o / Og} and reads input
 * channels {@code g·Cg … g·Cg + Cg - 1}. Input row {@code h} meets output row {@code oh} through kernel row
 * {@code kh} when {@code h = oh·strideH - padH + kh·dilationH} (likewise for columns); positions outside
 * the input are the zero padding.
 */
final class ReferenceConvolution {
    private ReferenceConvolution() {
    }

    /** {@code out[n,o,oh,ow] = bias[o] + Σ_{c,kh,kw} x[n, g·Cg + c, h, w] · weight[o, c, kh, kw]}. */
    static void conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams p, Tensor out) {
        Geometry geo = new Geometry(input.shape(), weight.shape(), out.shape(), p.groups());
        Nchw x = new Nchw(input);
        Nchw w = new Nchw(weight);
        Nchw y = new Nchw(out);
        for (int n = 0; n < geo.batch; n++) {
            for (int o = 0; o < geo.outChannels; o++) {
                int firstChannel = (o / geo.groupOut) * geo.groupIn;
                for (int oh = 0; oh < geo.outH; oh++) {
                    for (int ow = 0; ow < geo.outW; ow++) {
                        double sum = bias == null ? 0 : bias.get(o);
                        for (int c = 0; c < geo.groupIn; c++) {
                            for (int kh = 0; kh < geo.kernelH; kh++) {
                                int h = oh * p.strideH() - p.padH() + kh * p.dilationH();
                                if (h < 0 || h >= geo.height) {
                                    continue;
                                }
                                for (int kw = 0; kw < geo.kernelW; kw++) {
                                    int col = ow * p.strideW() - p.padW() + kw * p.dilationW();
                                    if (col >= 0 && col < geo.width) {
                                        sum += (double) x.get(n, firstChannel + c, h, col) * w.get(o, c, kh, kw);
                                    }
                                }
                            }
                        }
                        y.set(n, o, oh, ow, (float) sum);
                    }
                }
            }
        }
    }

    /**
     * {@code gradInput[n, g·Cg + c, h, w] = Σ gradOut[n, o, oh, ow] · weight[o, c, kh, kw]} over the output
     * channels o of group g and every (kh, kw, oh, ow) with {@code h = oh·strideH - padH + kh·dilationH} and
     * {@code w = ow·strideW - padW + kw·dilationW}.
     */
    static void conv2dInputGrad(Tensor gradOut, Tensor weight, Conv2dParams p, Tensor gradInput) {
        Geometry geo = new Geometry(gradInput.shape(), weight.shape(), gradOut.shape(), p.groups());
        Nchw dy = new Nchw(gradOut);
        Nchw w = new Nchw(weight);
        Nchw dx = new Nchw(gradInput);
        for (int n = 0; n < geo.batch; n++) {
            for (int channel = 0; channel < geo.channels; channel++) {
                int group = channel / geo.groupIn;
                int c = channel % geo.groupIn;
                for (int h = 0; h < geo.height; h++) {
                    for (int col = 0; col < geo.width; col++) {
                        double sum = 0;
                        for (int kh = 0; kh < geo.kernelH; kh++) {
                            int oh = sourceIndex(h, kh, p.strideH(), p.padH(), p.dilationH(), geo.outH);
                            if (oh < 0) {
                                continue;
                            }
                            for (int kw = 0; kw < geo.kernelW; kw++) {
                                int ow = sourceIndex(col, kw, p.strideW(), p.padW(), p.dilationW(), geo.outW);
                                if (ow < 0) {
                                    continue;
                                }
                                for (int o = group * geo.groupOut; o < (group + 1) * geo.groupOut; o++) {
                                    sum += (double) dy.get(n, o, oh, ow) * w.get(o, c, kh, kw);
                                }
                            }
                        }
                        dx.set(n, channel, h, col, (float) sum);
                    }
                }
            }
        }
    }

    /**
     * The output index whose window puts kernel tap {@code k} on input index {@code i}:
     * {@code (i + pad - k·dilation) / stride} when that division is exact and in [0, outSize), else -1.
     */
    private static int sourceIndex(int i, int k, int stride, int pad, int dilation, int outSize) {
        int shifted = i + pad - k * dilation;
        if (shifted < 0 || shifted % stride != 0 || shifted / stride >= outSize) {
            return -1;
        }
        return shifted / stride;
    }

    /**
     * {@code gradWeight[o, c, kh, kw] = Σ_{n,oh,ow} gradOut[n, o, oh, ow] · x[n, g·Cg + c, h, w]} with
     * {@code h = oh·strideH - padH + kh·dilationH}, {@code w = ow·strideW - padW + kw·dilationW} (padding
     * contributes zero).
     */
    static void conv2dWeightGrad(Tensor input, Tensor gradOut, Conv2dParams p, Tensor gradWeight) {
        Geometry geo = new Geometry(input.shape(), gradWeight.shape(), gradOut.shape(), p.groups());
        Nchw x = new Nchw(input);
        Nchw dy = new Nchw(gradOut);
        Nchw dw = new Nchw(gradWeight);
        for (int o = 0; o < geo.outChannels; o++) {
            int firstChannel = (o / geo.groupOut) * geo.groupIn;
            for (int c = 0; c < geo.groupIn; c++) {
                for (int kh = 0; kh < geo.kernelH; kh++) {
                    for (int kw = 0; kw < geo.kernelW; kw++) {
                        double sum = 0;
                        for (int n = 0; n < geo.batch; n++) {
                            for (int oh = 0; oh < geo.outH; oh++) {
                                int h = oh * p.strideH() - p.padH() + kh * p.dilationH();
                                if (h < 0 || h >= geo.height) {
                                    continue;
                                }
                                for (int ow = 0; ow < geo.outW; ow++) {
                                    int col = ow * p.strideW() - p.padW() + kw * p.dilationW();
                                    if (col >= 0 && col < geo.width) {
                                        sum += (double) dy.get(n, o, oh, ow) * x.get(n, firstChannel + c, h, col);
                                    }
                                }
                            }
                        }
                        dw.set(o, c, kh, kw, (float) sum);
                    }
                }
            }
        }
    }

    /** The sizes of one convolution, read from the input, weight and output shapes. */
    private record Geometry(int batch, int channels, int height, int width, int outChannels, int groupIn,
                            int kernelH, int kernelW, int outH, int outW, int groupOut) {
        Geometry(int[] input, int[] weight, int[] output, int groups) {
            this(input[0], input[1], input[2], input[3], weight[0], weight[1], weight[2], weight[3], output[2],
                    output[3], weight[0] / groups);
        }
    }
}
