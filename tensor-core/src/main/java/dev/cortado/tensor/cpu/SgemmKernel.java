package dev.cortado.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernel: one {@value #MR} × {@link #NR} tile of C from packed panels of A and B.
 *
 * <p>For p = 0 … kc-1 it loads row p of the B panel ({@link #NR} = 2 vectors), broadcasts the
 * {@value #MR} values of column p of the A panel one at a time and multiply-adds them into
 * {@value #MR} × 2 vector accumulators: {@code acc[r][v] += a[p][r] · b[p][v]}. The accumulators start
 * from the C tile (or zero) and are stored back once at the end. The 24 accumulators, the two B vectors
 * and the broadcast register fit the 32 vector registers of an AVX-512 machine (at every species width),
 * so the loop runs from registers: per step 2 vector loads, 12 broadcast loads
 * ({@code vbroadcastss} from memory) and 24 FMAs, which keeps both FMA ports busy. On an AVX2-only
 * machine (16 registers) C2 has to spill and the kernel is slower. Among the shapes measured here
 * (rows × vectors: 12×2, 6×4, 14×2, 8×3, 24×1, 8×2, 6×2, 4×3) 12×2 and 6×4 were fastest, within noise
 * of each other; smaller tiles spend more loads per FMA.
 *
 * <p>The method is deliberately one long straight-line body: C2 keeps vectors in registers only while
 * they are locals of one compiled method. An array of accumulators would cost a load and a store per FMA,
 * and a helper taking vectors that C2 declines to inline receives them boxed (an early version that
 * stored the tile through such a helper ran 20 times slower); the one helper left, {@code start}, is
 * tiny enough to be always inlined.
 */
final class SgemmKernel {
    /** Rows of a C tile (length of a packed A column). */
    static final int MR = 12;
    /** Columns of a C tile (length of a packed B row): two vectors. */
    static final int NR = 2 * Simd.LANES;

    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int L = Simd.LANES;

    private SgemmKernel() {
    }

    /**
     * {@code C[r][j] (+)= Σ_p A[p][r] · B[p][j]} for the tile at {@code c[cAt + r·ldc + j]}, r < MR, j < NR.
     * A is packed as {@code ap[aAt + p·MR + r]}, B as {@code bp[bAt + p·NR + j]}; {@code add} keeps the old
     * C values, otherwise they are overwritten, starting from {@code bias[biasAt + j]} in every row when bias
     * is non-null (a linear layer's bias costs no extra pass over C).
     */
    static void multiply(int kc, float[] ap, int aAt, float[] bp, int bAt, float[] c, int cAt, int ldc,
                         boolean add, float[] bias, int biasAt) {
        // Without C to add to, every row starts from the bias (or zero).
        FloatVector bias0 = add || bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, biasAt);
        FloatVector bias1 = add || bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, biasAt + L);
        FloatVector c00 = start(add, c, cAt, bias0), c01 = start(add, c, cAt + L, bias1);
        FloatVector c10 = start(add, c, cAt + 1 * ldc, bias0), c11 = start(add, c, cAt + 1 * ldc + L, bias1);
        FloatVector c20 = start(add, c, cAt + 2 * ldc, bias0), c21 = start(add, c, cAt + 2 * ldc + L, bias1);
        FloatVector c30 = start(add, c, cAt + 3 * ldc, bias0), c31 = start(add, c, cAt + 3 * ldc + L, bias1);
        FloatVector c40 = start(add, c, cAt + 4 * ldc, bias0), c41 = start(add, c, cAt + 4 * ldc + L, bias1);
        FloatVector c50 = start(add, c, cAt + 5 * ldc, bias0), c51 = start(add, c, cAt + 5 * ldc + L, bias1);
        FloatVector c60 = start(add, c, cAt + 6 * ldc, bias0), c61 = start(add, c, cAt + 6 * ldc + L, bias1);
        FloatVector c70 = start(add, c, cAt + 7 * ldc, bias0), c71 = start(add, c, cAt + 7 * ldc + L, bias1);
        FloatVector c80 = start(add, c, cAt + 8 * ldc, bias0), c81 = start(add, c, cAt + 8 * ldc + L, bias1);
        FloatVector c90 = start(add, c, cAt + 9 * ldc, bias0), c91 = start(add, c, cAt + 9 * ldc + L, bias1);
        FloatVector ca0 = start(add, c, cAt + 10 * ldc, bias0), ca1 = start(add, c, cAt + 10 * ldc + L, bias1);
        FloatVector cb0 = start(add, c, cAt + 11 * ldc, bias0), cb1 = start(add, c, cAt + 11 * ldc + L, bias1);
        for (int p = 0; p < kc; p++) {
            int ai = aAt + p * MR;
            int bi = bAt + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ai]);
            c00 = b0.fma(a, c00); c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(a, c10); c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(a, c20); c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(a, c30); c31 = b1.fma(a, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(a, c40); c41 = b1.fma(a, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(a, c50); c51 = b1.fma(a, c51);
            a = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = b0.fma(a, c60); c61 = b1.fma(a, c61);
            a = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = b0.fma(a, c70); c71 = b1.fma(a, c71);
            a = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = b0.fma(a, c80); c81 = b1.fma(a, c81);
            a = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = b0.fma(a, c90); c91 = b1.fma(a, c91);
            a = FloatVector.broadcast(S, ap[ai + 10]);
            ca0 = b0.fma(a, ca0); ca1 = b1.fma(a, ca1);
            a = FloatVector.broadcast(S, ap[ai + 11]);
            cb0 = b0.fma(a, cb0); cb1 = b1.fma(a, cb1);
        }
        c00.intoArray(c, cAt); c01.intoArray(c, cAt + L);
        c10.intoArray(c, cAt + 1 * ldc); c11.intoArray(c, cAt + 1 * ldc + L);
        c20.intoArray(c, cAt + 2 * ldc); c21.intoArray(c, cAt + 2 * ldc + L);
        c30.intoArray(c, cAt + 3 * ldc); c31.intoArray(c, cAt + 3 * ldc + L);
        c40.intoArray(c, cAt + 4 * ldc); c41.intoArray(c, cAt + 4 * ldc + L);
        c50.intoArray(c, cAt + 5 * ldc); c51.intoArray(c, cAt + 5 * ldc + L);
        c60.intoArray(c, cAt + 6 * ldc); c61.intoArray(c, cAt + 6 * ldc + L);
        c70.intoArray(c, cAt + 7 * ldc); c71.intoArray(c, cAt + 7 * ldc + L);
        c80.intoArray(c, cAt + 8 * ldc); c81.intoArray(c, cAt + 8 * ldc + L);
        c90.intoArray(c, cAt + 9 * ldc); c91.intoArray(c, cAt + 9 * ldc + L);
        ca0.intoArray(c, cAt + 10 * ldc); ca1.intoArray(c, cAt + 10 * ldc + L);
        cb0.intoArray(c, cAt + 11 * ldc); cb1.intoArray(c, cAt + 11 * ldc + L);
    }

    /** The accumulator's start: the current C values when adding to C, else {@code initial}. */
    private static FloatVector start(boolean add, float[] c, int at, FloatVector initial) {
        return add ? FloatVector.fromArray(S, c, at) : initial;
    }
}
