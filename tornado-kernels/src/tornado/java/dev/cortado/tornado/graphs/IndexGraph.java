package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tornado.kernels.IndexKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Gather (torch.gather and index_select) and scatter-add of float data along one dim, as one task each:
 * <pre>
 *   x, index, layout ──▶ gather ──▶ out                dst, index, src, layout ──▶ scatterAdd ──▶ dst
 * </pre>
 * Tensors are packed densely as [outer, size, inner] around the indexed dim (see {@link IndexKernels}); the
 * INT64 index travels as int, checked to lie in range on the host so that the device never reads outside x.
 */
public final class IndexGraph implements AutoCloseable {
    /** One graph per direction, [outer, sourceSize / selected, inner] sizes and index length. */
    public record Key(boolean scatter, int outer, int sourceSize, int selected, int inner, int indexLength) {
    }

    private final FloatArray source;
    private final IntArray index;
    private final FloatArray selected;
    private final IntArray layout = new IntArray(IndexKernels.LAYOUT_SLOTS);
    private final DevicePlan plan;

    private IndexGraph(Key key, TornadoDevice device) {
        source = new FloatArray(key.outer() * key.sourceSize() * key.inner());
        index = new IntArray(key.indexLength());
        selected = new FloatArray(key.outer() * key.selected() * key.inner());
        TaskGraph graph;
        if (key.scatter()) {
            graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.SCATTER_ADD))
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, source, index, selected, layout)
                    .task(TaskNames.SCATTER_ADD, IndexKernels::scatterAdd, source, index, selected, layout)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, source);
        } else {
            graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.GATHER))
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, source, index, layout)
                    .task(TaskNames.GATHER, IndexKernels::gather, source, index, selected, layout)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, selected);
        }
        plan = DevicePlan.of(graph, device);
    }

    /** torch.gather: {@code out[p] = x[p with coordinate dim replaced by index[p]]}; out has index's shape. */
    public static void gather(GraphCache cache, TornadoDevice device, Backend cpu, Tensor x, int dim, Tensor index,
                              Tensor out) {
        int[] shape = index.shape();
        Key key = new Key(false, product(shape, 0, dim), x.size(dim), shape[dim], product(shape, dim + 1, shape.length),
                index.numel());
        IndexGraph graph = cache.get(key, k -> new IndexGraph(k, device));
        graph.runGather(key, narrowedTo(x, shape, dim), index, denseStrides(key), out, cpu);
    }

    /** index_select: the slices of x along dim at the positions of the 1-D index (never expanded on the host). */
    public static void indexSelect(GraphCache cache, TornadoDevice device, Backend cpu, Tensor x, int dim, Tensor index,
                                   Tensor out) {
        int[] shape = x.shape();
        Key key = new Key(false, product(shape, 0, dim), shape[dim], index.numel(), product(shape, dim + 1, shape.length),
                index.numel());
        IndexGraph graph = cache.get(key, k -> new IndexGraph(k, device));
        graph.runGather(key, x, index, new int[] {0, 1, 0}, out, cpu);
    }

    /**
     * torch.scatter_add_: {@code dst[p with coordinate dim replaced by index[p]] += src[p]} for every position p of
     * index; dst and src may be larger than index (only their leading index-shaped part takes part) and views.
     */
    public static void scatterAdd(GraphCache cache, TornadoDevice device, Backend cpu, Tensor dst, int dim,
                                  Tensor index, Tensor src) {
        int[] shape = index.shape();
        Key key = new Key(true, product(shape, 0, dim), dst.size(dim), shape[dim], product(shape, dim + 1, shape.length),
                index.numel());
        IndexGraph graph = cache.get(key, k -> new IndexGraph(k, device));
        graph.runScatter(key, narrowedTo(dst, shape, dim), index, narrowedTo(src, shape, -1), cpu);
    }

    private synchronized void runGather(Key key, Tensor x, Tensor indices, int[] indexStrides, Tensor out, Backend cpu) {
        HostCopies.packDense(x, source, cpu);
        HostCopies.packIndex(indices, key.sourceSize(), index, cpu);
        setLayout(layout, key, indexStrides);
        plan.execute();
        HostCopies.unpack(selected, out, cpu);
    }

    private synchronized void runScatter(Key key, Tensor dst, Tensor indices, Tensor src, Backend cpu) {
        HostCopies.packDense(dst, source, cpu);
        HostCopies.packIndex(indices, key.sourceSize(), index, cpu);
        HostCopies.packDense(src, selected, cpu);
        setLayout(layout, key, denseStrides(key));
        plan.execute();
        HostCopies.unpack(source, dst, cpu);
    }

    static void setLayout(IntArray layout, Key key, int[] indexStrides) {
        layout.set(IndexKernels.SOURCE_SIZE, key.sourceSize());
        layout.set(IndexKernels.SELECTED, key.selected());
        layout.set(IndexKernels.INNER, key.inner());
        layout.set(IndexKernels.INDEX_OUTER_STRIDE, indexStrides[0]);
        layout.set(IndexKernels.INDEX_SELECTED_STRIDE, indexStrides[1]);
        layout.set(IndexKernels.INDEX_INNER_STRIDE, indexStrides[2]);
    }

    /** Strides of a densely packed [outer, selected, inner] index. */
    static int[] denseStrides(Key key) {
        return new int[] {key.selected() * key.inner(), key.inner(), 1};
    }

    /** The leading part of t with {@code shape}'s sizes in every dim except {@code keep} (a view, nothing copied). */
    static Tensor narrowedTo(Tensor t, int[] shape, int keep) {
        Tensor view = t;
        for (int d = 0; d < shape.length; d++) {
            if (d != keep && view.size(d) != shape[d]) {
                view = view.narrow(d, 0, shape[d]);
            }
        }
        return view;
    }

    static int product(int[] shape, int from, int to) {
        int product = 1;
        for (int d = from; d < to; d++) {
            product *= shape[d];
        }
        return product;
    }

    @Override
    public void close() {
        plan.close();
    }
}
