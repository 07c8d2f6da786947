package dev.cortado.tensor.reference;

import dev.cortado.tensor.Tensor;
import java.util.Arrays;

/**
 * Index-driven data movement, written as the definitions: one loop over the output (or index) positions,
 * each mapped to storage through {@link Layout}. Tensors have rank ≥ 1 (the front-end views scalars as
 * {@code [1]}).
 */
final class ReferenceIndexing {
    private ReferenceIndexing() {
    }

    /**
     * torch.gather: for every position p of index (and out, which has index's shape),
     * {@code out[p] = x[p with coordinate dim replaced by index[p]]}.
     */
    static void gather(Tensor x, int dim, Tensor index, Tensor out) {
        Layout xLayout = new Layout(x);
        Layout indexLayout = new Layout(index);
        Layout outLayout = new Layout(out);
        long[] indices = index.longData();
        int[] position = new int[index.dim()];
        for (int p = 0; p < out.numel(); p++) {
            indexLayout.unravel(p, position);
            int indexAt = indexLayout.at(position);
            int outAt = outLayout.at(position);
            position[dim] = (int) indices[indexAt];
            copyElement(x, xLayout.at(position), out, outAt);
        }
    }

    /**
     * torch.index_select: {@code out[..., i, ...] = x[..., index[i], ...]} along dim. It is
     * {@link #gather} with the 1-D index broadcast over the other dims, and is computed that way.
     */
    static void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        gather(x, dim, broadcastAlong(index, dim, out.shape()), out);
    }

    /** The 1-D {@code index} laid along {@code dim} and expanded (stride 0) over the other dims of {@code shape}. */
    private static Tensor broadcastAlong(Tensor index, int dim, int[] shape) {
        int[] placed = new int[shape.length];
        Arrays.fill(placed, 1);
        placed[dim] = index.numel();
        return index.view(placed).expand(shape);
    }

    /**
     * torch.scatter_add_ (float32): for every position p of index,
     * {@code dst[p with coordinate dim replaced by index[p]] += src[p]}, in row-major order of p, so
     * contributions to one element of dst are added in increasing order of their coordinate along dim.
     */
    static void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        Layout dstLayout = new Layout(dst);
        Layout indexLayout = new Layout(index);
        Layout srcLayout = new Layout(src);
        float[] dstData = dst.floatData();
        float[] srcData = src.floatData();
        long[] indices = index.longData();
        int[] position = new int[index.dim()];
        for (int p = 0; p < index.numel(); p++) {
            indexLayout.unravel(p, position);
            float value = srcData[srcLayout.at(position)];
            position[dim] = (int) indices[indexLayout.at(position)];
            dstData[dstLayout.at(position)] += value;
        }
    }

    /**
     * The k best entries of each row of x [rows, n] (contiguous), best first: for {@code largest}, larger
     * values are better and NaN beats every number; otherwise smaller values are better and NaN loses to
     * every number. Equal values (including -0 and +0, or two NaNs) keep the lower column first, which a
     * stable sort by that order gives.
     */
    static void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        int[] shape = x.shape();
        int rows = shape[0];
        int n = shape[1];
        float[] data = x.floatData();
        float[] valueData = values.floatData();
        long[] indexData = indices.longData();
        for (int r = 0; r < rows; r++) {
            int rowStart = x.offset() + r * n;
            Integer[] columns = new Integer[n];
            Arrays.setAll(columns, c -> c);
            // Arrays.sort on objects is a stable merge sort: ties stay in column order.
            Arrays.sort(columns, (a, b) -> compareBestFirst(data[rowStart + a], data[rowStart + b], largest));
            for (int j = 0; j < k; j++) {
                valueData[r * k + j] = data[rowStart + columns[j]];
                indexData[r * k + j] = columns[j];
            }
        }
    }

    /** Negative when a ranks before b in top-k order, positive when after, 0 when they tie. */
    static int compareBestFirst(float a, float b, boolean largest) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            // NaN counts as larger than every number (as in torch.topk): first when largest, last otherwise.
            int nanFirst = Boolean.compare(Float.isNaN(b), Float.isNaN(a));
            return largest ? nanFirst : -nanFirst;
        }
        int ascending = a < b ? -1 : a > b ? 1 : 0; // == also makes -0 and +0 tie
        return largest ? -ascending : ascending;
    }

    /** {@code dst[dstAt] = src[srcAt]} for tensors of the same dtype. */
    private static void copyElement(Tensor src, int srcAt, Tensor dst, int dstAt) {
        switch (src.dtype()) {
            case FLOAT32 -> dst.floatData()[dstAt] = src.floatData()[srcAt];
            case INT64 -> dst.longData()[dstAt] = src.longData()[srcAt];
            case BOOL -> dst.booleanData()[dstAt] = src.booleanData()[srcAt];
        }
    }
}
