package dev.cortado.tensor.cpu;

import dev.cortado.tensor.backend.Conv2dParams;

/**
 * The sizes of one 2-D convolution: input {@code [batch, channels, height, width]}, weight
 * {@code [outChannels, channels/groups, kernelH, kernelW]}, output {@code [batch, outChannels, outH, outW]}.
 * As GEMMs, each group is a product over {@link #patch()} = {@code (channels/groups)·kernelH·kernelW}
 * patch values (rows ordered channel, kernel row, kernel column, like the weight) and {@link #positions()}
 * = {@code outH·outW} output positions.
 */
record ConvShape(int batch, int channels, int height, int width, int outChannels, int kernelH, int kernelW,
                 int outH, int outW, Conv2dParams params) {

    static ConvShape of(int[] input, int[] weight, int[] output, Conv2dParams params) {
        return new ConvShape(input[0], input[1], input[2], input[3], weight[0], weight[2], weight[3], output[2],
                output[3], params);
    }

    int groups() {
        return params.groups();
    }

    /** Input channels per group. */
    int groupIn() {
        return channels / params.groups();
    }

    /** Output channels per group. */
    int groupOut() {
        return outChannels / params.groups();
    }

    /** Kernel taps per channel, {@code kernelH·kernelW}. */
    int taps() {
        return kernelH * kernelW;
    }

    /** Patch values per output position and group: the GEMMs' inner dimension in the forward pass. */
    int patch() {
        return groupIn() * taps();
    }

    int positions() {
        return outH * outW;
    }

    int inputPlane() {
        return height * width;
    }

    /** A 1×1 kernel with stride 1 and no padding: the input plane is already the patch matrix. */
    boolean pointwise() {
        return kernelH == 1 && kernelW == 1 && params.strideH() == 1 && params.strideW() == 1
                && params.padH() == 0 && params.padW() == 0;
    }
}
