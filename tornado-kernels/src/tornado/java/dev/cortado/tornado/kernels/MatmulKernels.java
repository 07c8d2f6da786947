package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Batched SGEMM on a TornadoVM device: {@code c[b] = a[b] · b[b]} with a [B, M, K], b [B, K, N] and c [B, M, N]
 * dense row-major.
 */
public final class MatmulKernels {
    /** Side of the square tile each work group computes (and of the local-memory tiles of a and b). */
    public static final int TILE = 16;

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

    private MatmulKernels() {
    }

    /**
     * Tiled SGEMM through local memory. Element (i, k) of a[batch] is {@code a[batch·sa + i·ra + k·ca]}
     * (likewise b), so a transposed operand is the same buffer with its two strides swapped and a broadcast
     * batch has stride 0: no operand is copied to reorder it.
     *
     * <p>Grid: x over columns of c, y over rows, z over the batch, each rounded up to {@link #TILE}; work groups of
     * TILE × TILE × 1. Each group walks K in steps of TILE: every work item loads one element of the a tile and
     * one of the b tile (0 outside the matrices, so ragged edges need no special case), the group synchronises,
     * then each item accumulates its row of the a tile times its column of the b tile.
     */
    public static void sgemm(KernelContext context, FloatArray a, FloatArray b, FloatArray c, IntArray layout) {
        int m = layout.get(M);
        int n = layout.get(N);
        int k = layout.get(K);
        int localCol = context.localIdx;
        int localRow = context.localIdy;
        int col = context.groupIdx * TILE + localCol;
        int row = context.groupIdy * TILE + localRow;
        int batch = context.globalIdz;
        int aBase = batch * layout.get(A_BATCH_STRIDE);
        int bBase = batch * layout.get(B_BATCH_STRIDE);
        int aRowStride = layout.get(A_ROW_STRIDE);
        int aColStride = layout.get(A_COL_STRIDE);
        int bRowStride = layout.get(B_ROW_STRIDE);
        int bColStride = layout.get(B_COL_STRIDE);

        float[] aTile = context.allocateFloatLocalArray(TILE * TILE);
        float[] bTile = context.allocateFloatLocalArray(TILE * TILE);
        float sum = 0f;
        int tiles = (k + TILE - 1) / TILE;
        for (int t = 0; t < tiles; t++) {
            int aCol = t * TILE + localCol;
            int bRow = t * TILE + localRow;
            float aValue = 0f;
            if (row < m && aCol < k) {
                aValue = a.get(aBase + row * aRowStride + aCol * aColStride);
            }
            float bValue = 0f;
            if (bRow < k && col < n) {
                bValue = b.get(bBase + bRow * bRowStride + col * bColStride);
            }
            aTile[localRow * TILE + localCol] = aValue;
            bTile[localRow * TILE + localCol] = bValue;
            context.localBarrier();
            for (int q = 0; q < TILE; q++) {
                sum += aTile[localRow * TILE + q] * bTile[q * TILE + localCol];
            }
            context.localBarrier();
        }
        if (row < m && col < n) {
            c.set((batch * m + row) * n + col, sum);
        }
    }
}
