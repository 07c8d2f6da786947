package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Batched SGEMM on a TornadoVM device: {@code c[b] = a[b] · b[b]} with a [B, M, K], b [B, K, N] and c [B, M, N]
 * dense row-major.
 *
 * <p>The constants suit an NVIDIA H100 (through TornadoVM's OpenCL backend): 256 work items per group, 16
 * accumulators each, 72 registers and no spills with NVIDIA's compiler, so several groups share an SM; 8.4 KB of
 * local memory per group. 8 × 8 micro-tiles and slices of TILE_K = 8 measured slower there.
 */
public final class MatmulKernels {
    /** Side of the square tile of c each work group computes. */
    public static final int TILE = 64;
    /** Depth of the slices of a and b that a work group stages in local memory per step along K. */
    public static final int TILE_K = 16;
    /** Work items along each side of a (square) work group. */
    public static final int GROUP = 16;
    /** Side of the square micro-tile of c each work item accumulates in registers. */
    public static final int MICRO = TILE / GROUP;

    /** Layout slots of the {@code layout} argument of {@link #sgemm}. */
    public static final int M = 0;
    public static final int N = 1;
    public static final int K = 2;
    public static final int A_BATCH_STRIDE = 3;
    public static final int A_ROW_STRIDE = 4;
    public static final int A_COL_STRIDE = 5;
    public static final int B_BATCH_STRIDE = 6;
    public static final int B_ROW_STRIDE = 7;
    public static final int B_COL_STRIDE = 8;
    public static final int LAYOUT_SLOTS = 9;

    /** Lanes of an NVIDIA warp, and banks of its local (shared) memory. */
    private static final int WARP = 32;
    /**
     * Floats per K row of a staged slice: TILE plus WARP / TILE_K of padding. A warp that stages a slice
     * K-fastest stores TILE_K K rows × WARP / TILE_K tile rows; with this row length those land in WARP distinct
     * banks instead of conflicting TILE_K ways.
     */
    private static final int SLICE_ROW = TILE + WARP / TILE_K;
    /** Elements of each staged slice that each work item loads. */
    private static final int LOADS = TILE * TILE_K / (GROUP * GROUP);

    private MatmulKernels() {
    }

    /**
     * Register-tiled SGEMM through local memory. Element (i, k) of a[batch] is {@code a[batch·sa + i·ra + k·ca]}
     * (likewise b), so a transposed operand is the same buffer with its two strides swapped and a broadcast
     * batch has stride 0: no operand is copied to reorder it.
     *
     * <p>Grid: x over columns of c, y over rows, z over the batch; work groups of {@link #GROUP} × GROUP × 1, one
     * per {@link #TILE} × TILE tile of c (see {@code MatmulGraph.grid}). Work item (x, y) owns the
     * {@link #MICRO} × MICRO micro-tile of rows {@code y + GROUP·i} and columns {@code x + GROUP·j}: strided
     * rather than adjacent, so neighbouring work items read neighbouring local floats (no bank conflicts) and
     * store neighbouring floats of c (coalesced).
     *
     * <p>Per step of {@link #TILE_K} along K the group stages a's TILE × TILE_K slice and b's TILE_K × TILE slice
     * in local memory (0 outside the matrices, so ragged edges need no special case), synchronises, and each item
     * adds, for every k of the slice, the outer product of its MICRO values of a's column k and MICRO values of
     * b's row k to its MICRO² accumulators: 2·MICRO local reads per MICRO² multiply-adds, against one per one in
     * an untiled kernel. The global reads of the next step's slices are issued before this step's arithmetic and
     * held in registers until the slices are free again, so their latency hides behind it.
     */
    public static void sgemm(KernelContext context, FloatArray a, FloatArray b, FloatArray c, IntArray layout) {
        int m = layout.get(M);
        int n = layout.get(N);
        int k = layout.get(K);
        int localCol = context.localIdx;
        int localRow = context.localIdy;
        int item = localRow * GROUP + localCol;
        int rowStart = context.groupIdy * TILE;
        int colStart = context.groupIdx * TILE;
        int batch = context.globalIdz;
        int aBase = batch * layout.get(A_BATCH_STRIDE);
        int bBase = batch * layout.get(B_BATCH_STRIDE);
        int aRowStride = layout.get(A_ROW_STRIDE);
        int aColStride = layout.get(A_COL_STRIDE);
        int bRowStride = layout.get(B_ROW_STRIDE);
        int bColStride = layout.get(B_COL_STRIDE);
        // Consecutive work items walk each operand's smaller stride, so that a warp's global reads are coalesced
        // whatever the layout: K for row-major a, the tile side for row-major b or transposed a.
        boolean aKFastest = aColStride < aRowStride;
        boolean bKFastest = bRowStride < bColStride;

        // aSlice[q·SLICE_ROW + r] = a(rowStart + r, k0 + q); bSlice[q·SLICE_ROW + s] = b(k0 + q, colStart + s).
        float[] aSlice = context.allocateFloatLocalArray(TILE_K * SLICE_ROW);
        float[] bSlice = context.allocateFloatLocalArray(TILE_K * SLICE_ROW);
        // Private arrays with constant indices after unrolling, i.e. registers. TornadoVM leaves them
        // uninitialised, so the accumulators are zeroed by hand.
        float[] sum = new float[MICRO * MICRO];
        for (int i = 0; i < MICRO * MICRO; i++) {
            sum[i] = 0f;
        }
        float[] aValues = new float[MICRO];
        float[] bValues = new float[MICRO];
        // This work item's LOADS elements of the next slices, element e = item + load·GROUP² of each.
        float[] aNext = new float[LOADS];
        float[] bNext = new float[LOADS];
        for (int load = 0; load < LOADS; load++) {
            int element = item + load * GROUP * GROUP;
            aNext[load] = staged(a, aBase, rowStart, m, aRowStride, 0, k, aColStride, element, aKFastest);
            bNext[load] = staged(b, bBase, colStart, n, bColStride, 0, k, bRowStride, element, bKFastest);
        }
        for (int k0 = 0; k0 < k; k0 += TILE_K) {
            // The slices are indexed here rather than in a helper: TornadoVM 5.2.1 addresses a local array passed
            // to a helper method as a Java array, header and byte offsets included.
            for (int load = 0; load < LOADS; load++) {
                int element = item + load * GROUP * GROUP;
                aSlice[sliceDepth(element, aKFastest) * SLICE_ROW + sliceSide(element, aKFastest)] = aNext[load];
                bSlice[sliceDepth(element, bKFastest) * SLICE_ROW + sliceSide(element, bKFastest)] = bNext[load];
            }
            context.localBarrier();
            int kNext = k0 + TILE_K;
            for (int load = 0; load < LOADS; load++) {
                int element = item + load * GROUP * GROUP;
                aNext[load] = staged(a, aBase, rowStart, m, aRowStride, kNext, k, aColStride, element, aKFastest);
                bNext[load] = staged(b, bBase, colStart, n, bColStride, kNext, k, bRowStride, element, bKFastest);
            }
            for (int q = 0; q < TILE_K; q++) {
                for (int i = 0; i < MICRO; i++) {
                    aValues[i] = aSlice[q * SLICE_ROW + localRow + i * GROUP];
                    bValues[i] = bSlice[q * SLICE_ROW + localCol + i * GROUP];
                }
                for (int i = 0; i < MICRO; i++) {
                    for (int j = 0; j < MICRO; j++) {
                        sum[i * MICRO + j] += aValues[i] * bValues[j];
                    }
                }
            }
            context.localBarrier();
        }
        for (int i = 0; i < MICRO; i++) {
            int row = rowStart + localRow + i * GROUP;
            for (int j = 0; j < MICRO; j++) {
                int col = colStart + localCol + j * GROUP;
                if (row < m && col < n) {
                    c.set((batch * m + row) * n + col, sum[i * MICRO + j]);
                }
            }
        }
    }

    /** K offset within a slice of the {@code element}-th staged element. */
    private static int sliceDepth(int element, boolean kFastest) {
        return kFastest ? element % TILE_K : element / TILE;
    }

    /** Offset along the tile side (rows of a, columns of b) of the {@code element}-th staged element. */
    private static int sliceSide(int element, boolean kFastest) {
        return kFastest ? element / TILE_K : element % TILE;
    }

    /**
     * The {@code element}-th element of one operand's slice at tile offset {@code start} (along rows of a or
     * columns of b, {@code size} long, {@code stride} apart) and K offset {@code k0}, or 0 outside the operand.
     */
    private static float staged(FloatArray operand, int base, int start, int size, int stride, int k0, int k,
                                int kStride, int element, boolean kFastest) {
        int side = start + sliceSide(element, kFastest);
        int depth = k0 + sliceDepth(element, kFastest);
        if (side < size && depth < k) {
            return operand.get(base + side * stride + depth * kStride);
        }
        return 0f;
    }
}
