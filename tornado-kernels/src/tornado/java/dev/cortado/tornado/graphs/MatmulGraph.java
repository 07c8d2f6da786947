package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tornado.kernels.MatmulKernels;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid3D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Batched matmul c [B, M, N] = a [B, M, K] · b [B, K, N] as one SGEMM task ({@link #tiling} picks its tiles):
 * <pre>
 *   a, b (storage ranges), layout ──▶ sgemm (a tile of c per work group) ──▶ c
 * </pre>
 * Operands keep their strides (transposed and batch-broadcast views travel as they are stored).
 */
public final class MatmulGraph implements AutoCloseable {
    /** One graph per output shape and operand range lengths; strides travel in the layout buffer. */
    public record Key(int batch, int m, int n, int k, int aLength, int bLength) {
    }

    private final Key key;
    private final FloatArray a;
    private final FloatArray b;
    private final FloatArray c;
    private final IntArray layout = new IntArray(MatmulKernels.LAYOUT_SLOTS);
    private final DevicePlan plan;

    private MatmulGraph(Key key, TornadoDevice device) {
        this.key = key;
        a = new FloatArray(key.aLength());
        b = new FloatArray(key.bLength());
        c = new FloatArray(key.batch() * key.m() * key.n());
        String name = DevicePlan.uniqueName(TaskNames.SGEMM);
        Tiling tiling = tiling(key.batch(), key.m(), key.n());
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b, layout)
                .task(TaskNames.SGEMM, MatmulKernels::sgemm, new KernelContext(), a, b, c, layout, tiling.tile(),
                        tiling.tileK(), tiling.vec())
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        plan = DevicePlan.of(graph, device, new GridScheduler(name + "." + TaskNames.SGEMM,
                grid(key.batch(), key.m(), key.n())));
    }

    /** Runs {@code out = a · b} on the device of {@code cache}'s backend, building the graph on first use. */
    public static void run(GraphCache cache, TornadoDevice device, Backend cpu, Tensor a, Tensor b, Tensor out) {
        StridedOperand left = StridedOperand.of(a);
        StridedOperand right = StridedOperand.of(b);
        Key key = new Key(out.size(0), out.size(1), out.size(2), a.size(2), left.length(), right.length());
        MatmulGraph graph = cache.get(key, k -> new MatmulGraph(k, device));
        graph.execute(left, right, out, cpu);
    }

    private synchronized void execute(StridedOperand left, StridedOperand right, Tensor out, Backend cpu) {
        left.writeTo(a, cpu);
        right.writeTo(b, cpu);
        setLayout(layout, key.m(), key.n(), key.k(), new int[] {left.batchStride(), left.rowStride(), left.colStride()},
                new int[] {right.batchStride(), right.rowStride(), right.colStride()});
        plan.execute();
        HostCopies.unpack(c, out, cpu);
    }

    /** Fills {@link MatmulKernels#sgemm}'s layout: sizes, then each operand's (batch, row, column) strides. */
    public static void setLayout(IntArray layout, int m, int n, int k, int[] aStrides, int[] bStrides) {
        layout.set(MatmulKernels.M, m);
        layout.set(MatmulKernels.N, n);
        layout.set(MatmulKernels.K, k);
        layout.set(MatmulKernels.A_BATCH_STRIDE, aStrides[0]);
        layout.set(MatmulKernels.A_ROW_STRIDE, aStrides[1]);
        layout.set(MatmulKernels.A_COL_STRIDE, aStrides[2]);
        layout.set(MatmulKernels.B_BATCH_STRIDE, bStrides[0]);
        layout.set(MatmulKernels.B_ROW_STRIDE, bStrides[1]);
        layout.set(MatmulKernels.B_COL_STRIDE, bStrides[2]);
    }

    /** The last three arguments of {@link MatmulKernels#sgemm}: tile side, K slice depth, micro-tile run. */
    public record Tiling(int tile, int tileK, int vec) {
    }

    /**
     * The SGEMM tiling for a [batch, m, n] output: 128 × 128 tiles where there are at least {@link #LARGE_TILES}
     * whole ones (about two per SM of an H100, so every SM stays busy), otherwise 64 × 64 tiles, four times as
     * many groups. On an H100 the large tiles win from n = 2048 (256 tiles: 32.6 against 23.5 TFLOP/s), lose at
     * n = 1024 (64 tiles: 12.8 against 20.6) and break even at [4160, 192] · [192, 768] (192 whole tiles: 20.5
     * against 20.1).
     */
    public static Tiling tiling(int batch, int m, int n) {
        long wholeLargeTiles = (long) batch * (m / MatmulKernels.TILE) * (n / MatmulKernels.TILE);
        return wholeLargeTiles >= LARGE_TILES
                ? new Tiling(MatmulKernels.TILE, MatmulKernels.TILE_K, MatmulKernels.VEC)
                : new Tiling(MatmulKernels.SMALL_TILE, MatmulKernels.SMALL_TILE_K, 1);
    }

    /**
     * The grid of {@link #tiling}{@code (batch, m, n)}: one GROUP × GROUP work group per tile of c (x over
     * columns, y over rows, z over the batch), so GROUP work items per tile side of rows or columns, rounded up.
     */
    public static WorkerGrid3D grid(int batch, int m, int n) {
        int tile = tiling(batch, m, n).tile();
        WorkerGrid3D grid = new WorkerGrid3D(groupItems(n, tile), groupItems(m, tile), batch);
        grid.setLocalWork(MatmulKernels.GROUP, MatmulKernels.GROUP, 1);
        return grid;
    }

    /** Whole 128 × 128 tiles of c from which {@link #tiling} picks them. */
    static final int LARGE_TILES = 256;

    private static int groupItems(int size, int tile) {
        return (size + tile - 1) / tile * MatmulKernels.GROUP;
    }

    @Override
    public void close() {
        plan.close();
    }
}
