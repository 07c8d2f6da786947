package dev.cortado.tensor.cpu;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;

/**
 * Index-driven data movement on the CPU. These are memory-bound gathers and scatters with no useful SIMD
 * form, so the work is in the loop structure: each thread takes a range of output positions, walks it
 * row by row with {@link StridedRows} and runs a tight loop along each row. Tensors have rank ≥ 1.
 */
final class CpuIndexing {
    /** Elements per parallel chunk, at least: below this a fork costs more than the copying. */
    private static final int GRAIN = 16_384;
    /** Source offsets computed per {@link #take} call: bounds the per-thread scratch. */
    private static final int BLOCK = 1024;
    /**
     * Slice length from which index_select on contiguous x copies each slice with one System.arraycopy.
     * Measured: from 2 elements on that is at least as fast as the gather loop; for single elements the
     * gather loop, which walks the selection as one long row, is about 3× faster than a call per element.
     */
    private static final int MIN_ROW_COPY = 2;

    private CpuIndexing() {
    }

    /**
     * torch.gather: {@code out[p] = x[p with coordinate dim replaced by index[p]]} for every position p of
     * index (out has index's shape). Parallel over ranges of out.
     */
    static void gather(Parallel parallel, Tensor x, int dim, Tensor index, Tensor out) {
        int[] shape = out.shape();
        int[] indexStrides = index.strides();
        int[] xStrides = x.strides();
        int dimStride = xStrides[dim];
        xStrides[dim] = 0; // that coordinate comes from the index, not from the walk
        int[] bases = {index.offset(), x.offset()};
        long[] indices = index.longData();
        DType dtype = x.dtype();
        Object source = data(x);
        Object target = data(out);
        parallel.forRange(out.numel(), GRAIN, (start, end) -> {
            StridedRows rows = new StridedRows(shape, bases, indexStrides, xStrides);
            int indexStep = rows.columnStride(0);
            int xStep = rows.columnStride(1);
            int[] offsets = new int[Math.min(BLOCK, end - start)];
            rows.walk(start, end, BLOCK, (from, to) -> {
                int indexRow = rows.offset(0);
                int xRow = rows.offset(1);
                for (int c = from; c < to; c++) {
                    int selected = (int) indices[indexRow + c * indexStep];
                    offsets[c - from] = xRow + c * xStep + selected * dimStride;
                }
                // out is dense and walked in row-major order, so its position is the linear one.
                take(dtype, source, offsets, to - from, target, rows.row() * rows.rowLength() + from);
            });
        });
    }

    /**
     * torch.index_select along dim with a 1-D index. When x is contiguous and each selected slice is a run
     * of at least {@link #MIN_ROW_COPY} elements (embedding lookups), each slice is one System.arraycopy;
     * otherwise it is {@link #gather} with the index broadcast over the other dims.
     */
    static void indexSelect(Parallel parallel, Tensor x, int dim, Tensor index, Tensor out) {
        int[] shape = x.shape();
        int inner = product(shape, dim + 1, shape.length);
        if (x.isContiguous() && inner >= MIN_ROW_COPY) {
            copyRows(parallel, x, dim, index, out);
        } else {
            gather(parallel, x, dim, broadcastAlong(index, dim, out.shape()), out);
        }
    }

    /** Contiguous x seen as [outer, size, inner]: {@code out[o, i, :] = x[o, index[i], :]}, one arraycopy each. */
    private static void copyRows(Parallel parallel, Tensor x, int dim, Tensor index, Tensor out) {
        int[] shape = x.shape();
        int outer = product(shape, 0, dim);
        int size = shape[dim];
        int inner = product(shape, dim + 1, shape.length);
        int selected = index.numel();
        long[] indices = index.longData();
        int indexOffset = index.offset();
        int indexStride = index.stride(0);
        int xOffset = x.offset();
        Object source = data(x);
        Object target = data(out);
        parallel.forRange(outer * selected, Math.max(1, GRAIN / inner), (start, end) -> {
            for (int piece = start; piece < end; piece++) {
                int o = piece / selected;
                int row = (int) indices[indexOffset + (piece % selected) * indexStride];
                System.arraycopy(source, xOffset + (o * size + row) * inner, target, piece * inner, inner);
            }
        });
    }

    /**
     * torch.scatter_add_ (float32, in place on dst): {@code dst[p with coordinate dim replaced by index[p]]
     * += src[p]} for every position p of index.
     *
     * <p>Race-free parallelism: call the positions of index that differ only along dim a fibre. A fibre
     * writes only into the matching fibre of dst, so threads own disjoint ranges of fibres and never
     * write the same element. Within a fibre the contributions are added in increasing order along dim,
     * as the reference does, so the result is bit-identical to it for any thread count. A 1-D index is a
     * single fibre and so runs on one thread: splitting it would let two threads add into one element.
     */
    static void scatterAdd(Parallel parallel, Tensor dst, int dim, Tensor index, Tensor src) {
        int[] indexShape = index.shape();
        int along = indexShape[dim];
        int[] fibreShape = withoutDim(indexShape, dim);
        int fibres = product(fibreShape, 0, fibreShape.length);
        if (along == 0 || fibres == 0) {
            return;
        }
        int[] indexStrides = withoutDim(index.strides(), dim);
        int[] srcStrides = withoutDim(src.strides(), dim);
        int[] dstStrides = withoutDim(dst.strides(), dim);
        int indexAlong = index.stride(dim);
        int srcAlong = src.stride(dim);
        int dstAlong = dst.stride(dim);
        int[] bases = {index.offset(), src.offset(), dst.offset()};
        long[] indices = index.longData();
        float[] srcData = src.floatData();
        float[] dstData = dst.floatData();
        parallel.forRange(fibres, Math.max(1, GRAIN / along), (start, end) -> {
            StridedRows rows = new StridedRows(fibreShape, bases, indexStrides, srcStrides, dstStrides);
            int indexStep = rows.columnStride(0);
            int srcStep = rows.columnStride(1);
            int dstStep = rows.columnStride(2);
            boolean alongIsInner = Math.abs(srcAlong) < Math.abs(srcStep);
            rows.walk(start, end, Integer.MAX_VALUE, (from, to) -> {
                int indexRow = rows.offset(0);
                int srcRow = rows.offset(1);
                int dstRow = rows.offset(2);
                // Both orders keep increasing k within each fibre; pick the one that reads src in memory
                // order (measured: about 2× faster for scatter along the last dim).
                if (alongIsInner) { // one fibre's whole run along dim, then the next fibre
                    for (int c = from; c < to; c++) {
                        for (int k = 0; k < along; k++) {
                            int target = (int) indices[indexRow + k * indexAlong + c * indexStep];
                            dstData[dstRow + target * dstAlong + c * dstStep] +=
                                    srcData[srcRow + k * srcAlong + c * srcStep];
                        }
                    }
                } else { // one step along dim for every fibre of the row, then the next step
                    for (int k = 0; k < along; k++) {
                        for (int c = from; c < to; c++) {
                            int target = (int) indices[indexRow + k * indexAlong + c * indexStep];
                            dstData[dstRow + target * dstAlong + c * dstStep] +=
                                    srcData[srcRow + k * srcAlong + c * srcStep];
                        }
                    }
                }
            });
        });
    }

    /** Top-k of each row; see {@link CpuTopK}. */
    static void topk(Parallel parallel, Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        CpuTopK.topk(parallel, x, k, largest, values, indices);
    }

    /** {@code target[targetStart + i] = source[offsets[i]]} for i < count; both arrays hold {@code dtype}. */
    private static void take(DType dtype, Object source, int[] offsets, int count, Object target, int targetStart) {
        switch (dtype) {
            case FLOAT32 -> {
                float[] from = (float[]) source;
                float[] to = (float[]) target;
                for (int i = 0; i < count; i++) {
                    to[targetStart + i] = from[offsets[i]];
                }
            }
            case INT64 -> {
                long[] from = (long[]) source;
                long[] to = (long[]) target;
                for (int i = 0; i < count; i++) {
                    to[targetStart + i] = from[offsets[i]];
                }
            }
            case BOOL -> {
                boolean[] from = (boolean[]) source;
                boolean[] to = (boolean[]) target;
                for (int i = 0; i < count; i++) {
                    to[targetStart + i] = from[offsets[i]];
                }
            }
        }
    }

    /** The storage array of t, whatever its dtype. */
    private static Object data(Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> t.floatData();
            case INT64 -> t.longData();
            case BOOL -> t.booleanData();
        };
    }

    /** The 1-D {@code index} laid along {@code dim} and expanded (stride 0) over the other dims of {@code shape}. */
    private static Tensor broadcastAlong(Tensor index, int dim, int[] shape) {
        int[] placed = new int[shape.length];
        Arrays.fill(placed, 1);
        placed[dim] = index.numel();
        return index.view(placed).expand(shape);
    }

    /** {@code values} without entry {@code dim}. */
    private static int[] withoutDim(int[] values, int dim) {
        int[] result = new int[values.length - 1];
        for (int d = 0, j = 0; d < values.length; d++) {
            if (d != dim) {
                result[j++] = values[d];
            }
        }
        return result;
    }

    private static int product(int[] shape, int from, int to) {
        int product = 1;
        for (int d = from; d < to; d++) {
            product *= shape[d];
        }
        return product;
    }
}
