package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * How a [B, R, C] matmul operand reaches the device: the storage range its view covers, with its own strides
 * (a transposed view, a broadcast batch of stride 0, a slice), or, when that range would be much larger than
 * the view (a thin slice of a large tensor), a dense row-major copy.
 *
 * @param length elements copied to the device
 */
record StridedOperand(Tensor source, boolean packed, int length, int batchStride, int rowStride, int colStride) {
    /** A range more than this many times the view's size is packed densely instead. */
    private static final long MAX_RANGE_FACTOR = 2;

    static StridedOperand of(Tensor x) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        long range = 1;
        boolean forward = true;
        for (int d = 0; d < 3; d++) {
            forward &= strides[d] >= 0;
            range += (long) (shape[d] - 1) * strides[d];
        }
        if (forward && range <= MAX_RANGE_FACTOR * x.numel()) {
            // Size-1 dims index only position 0; their stride is set to 0 so that it cannot matter.
            return new StridedOperand(x, false, (int) range, shape[0] == 1 ? 0 : strides[0],
                    shape[1] == 1 ? 0 : strides[1], shape[2] == 1 ? 0 : strides[2]);
        }
        return new StridedOperand(x, true, x.numel(), shape[1] * shape[2], shape[2], 1);
    }

    void writeTo(FloatArray dst, Backend cpu) {
        if (packed) {
            HostCopies.packDense(source, dst, cpu);
        } else {
            HostCopies.copyRange(source, source.offset(), length, dst);
        }
    }
}
