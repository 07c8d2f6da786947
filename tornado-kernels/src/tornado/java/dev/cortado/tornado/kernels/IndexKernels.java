package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Index-driven float kernels: gather (torch.gather, index_select, embedding lookups) and its gradient
 * scatter-add. Every tensor is seen as [outer, size, inner] around the indexed dim: x and dst are dense
 * [outer, sourceSize, inner], src and out are dense [outer, selected, inner], and the index element of
 * position (o, j, c) is {@code index[o·so + j·sj + c·sc]} with the three strides in {@code layout} (a 1-D
 * index_select index is (0, 1, 0): it is never expanded).
 */
public final class IndexKernels {
    /** Layout slots of the {@code layout} argument. */
    public static final int SOURCE_SIZE = 0;
    public static final int SELECTED = 1;
    public static final int INNER = 2;
    public static final int INDEX_OUTER_STRIDE = 3;
    public static final int INDEX_SELECTED_STRIDE = 4;
    public static final int INDEX_INNER_STRIDE = 5;
    public static final int LAYOUT_SLOTS = 6;

    private IndexKernels() {
    }

    /** {@code out[o, j, c] = x[o, index(o, j, c), c]}, one work item per output element. */
    public static void gather(FloatArray x, IntArray index, FloatArray out, IntArray layout) {
        int sourceSize = layout.get(SOURCE_SIZE);
        int selected = layout.get(SELECTED);
        int inner = layout.get(INNER);
        int so = layout.get(INDEX_OUTER_STRIDE);
        int sj = layout.get(INDEX_SELECTED_STRIDE);
        int sc = layout.get(INDEX_INNER_STRIDE);
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            int c = i % inner;
            int rest = i / inner;
            int j = rest % selected;
            int o = rest / selected;
            int row = index.get(o * so + j * sj + c * sc);
            out.set(i, x.get((o * sourceSize + row) * inner + c));
        }
    }

    /**
     * In place {@code dst[o, index(o, j, c), c] += src[o, j, c]} for every (o, j, c), without atomics: one work
     * item per destination element (o, r, c) walks j = 0 … selected−1 and adds the src values whose index is r.
     * No two items write one element, so repeated indices need no synchronisation, and each element sums its
     * contributions in increasing j, the CPU backend's order, so the result does not depend on the device's
     * scheduling. The price is selected reads of the index per destination element (dst.numel · selected in all).
     */
    public static void scatterAdd(FloatArray dst, IntArray index, FloatArray src, IntArray layout) {
        int dstSize = layout.get(SOURCE_SIZE);
        int selected = layout.get(SELECTED);
        int inner = layout.get(INNER);
        int so = layout.get(INDEX_OUTER_STRIDE);
        int sj = layout.get(INDEX_SELECTED_STRIDE);
        int sc = layout.get(INDEX_INNER_STRIDE);
        for (@Parallel int i = 0; i < dst.getSize(); i++) {
            int c = i % inner;
            int rest = i / inner;
            int r = rest % dstSize;
            int o = rest / dstSize;
            float sum = dst.get(i);
            for (int j = 0; j < selected; j++) {
                if (index.get(o * so + j * sj + c * sc) == r) {
                    sum += src.get((o * selected + j) * inner + c);
                }
            }
            dst.set(i, sum);
        }
    }
}
