package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;

/**
 * Element access to a 4-D float tensor {@code [N, C, H, W]} (any strides) by its four indices: element
 * {@code (n, c, h, w)} lives at {@code offset + n·sN + c·sC + h·sH + w·sW} of the storage array.
 */
final class Nchw {
    private final float[] data;
    private final int offset;
    private final int strideN;
    private final int strideC;
    private final int strideH;
    private final int strideW;

    Nchw(Tensor t) {
        int[] strides = t.strides();
        this.data = t.floatData();
        this.offset = t.offset();
        this.strideN = strides[0];
        this.strideC = strides[1];
        this.strideH = strides[2];
        this.strideW = strides[3];
    }

    float get(int n, int c, int h, int w) {
        return data[index(n, c, h, w)];
    }

    void set(int n, int c, int h, int w, float value) {
        data[index(n, c, h, w)] = value;
    }

    private int index(int n, int c, int h, int w) {
        return offset + n * strideN + c * strideC + h * strideH + w * strideW;
    }
}
