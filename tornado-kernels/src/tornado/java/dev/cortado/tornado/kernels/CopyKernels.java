package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Strided copies between device buffers: a view of one buffer (sizes, strides, offset) copied element by
 * element into a view of another. A resident step uses it to make a view dense for a kernel that reads dense
 * rows, to write a kernel's dense result into a view (a slice, a permutation), and for tensor-core's copy.
 */
public final class CopyKernels {
    /** Most dims a copy takes (shapes are padded with leading 1s to this). */
    public static final int MAX_RANK = ElementwiseKernels.MAX_RANK;
    /** Layout slots: sizes, source strides, destination strides, then these. */
    public static final int SOURCE_OFFSET = 3 * MAX_RANK;
    public static final int DESTINATION_OFFSET = 3 * MAX_RANK + 1;
    public static final int NUMEL = 3 * MAX_RANK + 2;
    public static final int LAYOUT_SLOTS = 3 * MAX_RANK + 3;

    private CopyKernels() {
    }

    /**
     * {@code dst[dstOffset + Σ i_d·dstStride_d] = src[srcOffset + Σ i_d·srcStride_d]} for every position
     * (i_0 … i_5) of the sizes in {@code layout} (see the slot constants), one work item per element.
     */
    public static void stridedCopy(FloatArray src, FloatArray dst, IntArray layout) {
        int numel = layout.get(NUMEL);
        int sourceOffset = layout.get(SOURCE_OFFSET);
        int destinationOffset = layout.get(DESTINATION_OFFSET);
        for (@Parallel int i = 0; i < numel; i++) {
            int rest = i;
            int from = sourceOffset;
            int to = destinationOffset;
            for (int d = MAX_RANK - 1; d >= 0; d--) {
                int size = layout.get(d);
                int index = rest % size;
                rest = rest / size;
                from += index * layout.get(MAX_RANK + d);
                to += index * layout.get(2 * MAX_RANK + d);
            }
            dst.set(to, src.get(from));
        }
    }
}
