package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;

/**
 * Maps a row-major linear position to a storage index for one strided tensor. Deliberately simple
 * (one div/mod per dim per element): the reference backend favours obviousness over speed.
 */
final class Layout {
    final int[] shape;
    final int[] strides;
    final int offset;

    Layout(Tensor t) {
        this.shape = t.shape();
        this.strides = t.strides();
        this.offset = t.offset();
    }

    /** Storage index of the element at row-major position {@code linear}. */
    int at(int linear) {
        int index = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            int size = shape[d];
            index += (linear % size) * strides[d];
            linear /= size;
        }
        return index;
    }

    /** Storage index of the element with the given multi-index. */
    int at(int[] multiIndex) {
        int index = offset;
        for (int d = 0; d < multiIndex.length; d++) {
            index += multiIndex[d] * strides[d];
        }
        return index;
    }

    /** Row-major multi-index of position {@code linear}, written into {@code into}. */
    void unravel(int linear, int[] into) {
        for (int d = shape.length - 1; d >= 0; d--) {
            into[d] = linear % shape[d];
            linear /= shape[d];
        }
    }
}
