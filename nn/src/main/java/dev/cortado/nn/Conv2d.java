package dev.cortado.nn;

import dev.cortado.autograd.ConvOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.backend.Conv2dParams;

/**
 * 2-D convolution, as torch.nn.Conv2d: x {@code [N, inChannels, H, W]} → {@code [N, outChannels, OH, OW]}
 * with OH = ⌊(H + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1 (likewise OW). Parameters
 * {@code weight [outChannels, inChannels/groups, kernel, kernel]} and {@code bias [outChannels]},
 * initialised U(-1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups·kernel², as in PyTorch.
 * <pre>{@code
 * Conv2d patchEmbed = new Conv2d.Builder(1, 128, 4).stride(4).build(seed);   // ViT patches of 4×4
 * }</pre>
 */
public class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernelH;
    private final int kernelW;
    private final Conv2dParams params;
    private final Variable weight;
    private final Variable bias;

    /** Optional settings (stride 1, padding 0, dilation 1, groups 1, with bias) by name. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private final int kernelH;
        private final int kernelW;
        private int strideH = 1, strideW = 1, padH, padW, dilationH = 1, dilationW = 1, groups = 1;
        private boolean bias = true;

        public Builder(int inChannels, int outChannels, int kernel) {
            this(inChannels, outChannels, kernel, kernel);
        }

        public Builder(int inChannels, int outChannels, int kernelH, int kernelW) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernelH = kernelH;
            this.kernelW = kernelW;
        }

        public Builder stride(int stride) {
            return stride(stride, stride);
        }

        public Builder stride(int h, int w) {
            strideH = h;
            strideW = w;
            return this;
        }

        public Builder padding(int padding) {
            return padding(padding, padding);
        }

        public Builder padding(int h, int w) {
            padH = h;
            padW = w;
            return this;
        }

        public Builder dilation(int dilation) {
            dilationH = dilation;
            dilationW = dilation;
            return this;
        }

        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        public Conv2d build(long seed) {
            return new Conv2d(this, seed);
        }
    }

    /** A square kernel with stride 1, no padding, one group and a bias. */
    public Conv2d(int inChannels, int outChannels, int kernel, long seed) {
        this(new Builder(inChannels, outChannels, kernel), seed);
    }

    private Conv2d(Builder b, long seed) {
        if (b.inChannels < 1 || b.outChannels < 1 || b.kernelH < 1 || b.kernelW < 1 || b.groups < 1
                || b.inChannels % b.groups != 0 || b.outChannels % b.groups != 0) {
            throw new IllegalArgumentException("Conv2d: need positive channels and kernel, and groups (" + b.groups
                    + ") dividing in_channels (" + b.inChannels + ") and out_channels (" + b.outChannels + ")");
        }
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernelH = b.kernelH;
        this.kernelW = b.kernelW;
        this.params = new Conv2dParams(b.strideH, b.strideW, b.padH, b.padW, b.dilationH, b.dilationW, b.groups);
        int fanIn = b.inChannels / b.groups * b.kernelH * b.kernelW;
        this.weight = registerParameter("weight", Init.kaimingUniform(Init.derive(seed, 0), fanIn, Math.sqrt(5),
                b.outChannels, b.inChannels / b.groups, b.kernelH, b.kernelW));
        this.bias = b.bias ? registerParameter("bias",
                Init.uniform(Init.derive(seed, 1), (float) (1 / Math.sqrt(fanIn)), b.outChannels)) : null;
    }

    @Override
    public Variable forward(Variable x) {
        checkInput("input", x, -1, inChannels, -1, -1);
        return ConvOps.conv2d(x, weight, bias, params);
    }

    public Variable weight() {
        return weight;
    }

    public Variable bias() {
        return bias;
    }

    public Conv2dParams params() {
        return params;
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder(inChannels + ", " + outChannels + ", kernel_size=(" + kernelH + ", "
                + kernelW + "), stride=(" + params.strideH() + ", " + params.strideW() + ")");
        if (params.padH() != 0 || params.padW() != 0) {
            s.append(", padding=(").append(params.padH()).append(", ").append(params.padW()).append(')');
        }
        if (params.dilationH() != 1 || params.dilationW() != 1) {
            s.append(", dilation=(").append(params.dilationH()).append(", ").append(params.dilationW()).append(')');
        }
        if (params.groups() != 1) {
            s.append(", groups=").append(params.groups());
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }
}
