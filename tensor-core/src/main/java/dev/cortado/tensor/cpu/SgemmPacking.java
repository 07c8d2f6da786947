package dev.cortado.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies a block of A or B into the panel layout the {@link SgemmKernel} reads sequentially.
 *
 * <p>A block is {@code count} "lines" (rows of A, or columns of B) of {@code kc} values each; element
 * (line i, step p) is {@code src[off + i·lineStride + p·stepStride]}. It is written as
 * ⌈count / width⌉ panels of {@code width × kc} values, panel q at {@code dst[at + q·width·kc]}, with
 * {@code dst[at + q·width·kc + p·width + r] = element(q·width + r, p)}. Lines past {@code count} in the last
 * panel are zero, so the kernel can always compute full tiles. Because packing reads through arbitrary
 * strides, transposed or sliced operands cost no extra copy.
 */
final class SgemmPacking {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int L = Simd.LANES;

    private SgemmPacking() {
    }

    static void pack(float[] src, int off, int lineStride, int stepStride, int count, int kc, int width,
                     float[] dst, int at) {
        int panels = (count + width - 1) / width;
        int rest = count - (panels - 1) * width;
        if (rest < width) {
            int last = at + (panels - 1) * width * kc;
            Arrays.fill(dst, last, last + width * kc, 0f);
        }
        if (lineStride == 1) {
            packContiguousLines(src, off, stepStride, count, kc, width, dst, at);
            return;
        }
        if (stepStride == 1) {
            packContiguousSteps(src, off, lineStride, count, kc, width, dst, at);
            return;
        }
        for (int q = 0; q < panels; q++) {
            int lines = Math.min(width, count - q * width);
            int s = off + q * width * lineStride;
            int panelAt = at + q * width * kc;
            for (int p = 0; p < kc; p++) {
                int step = s + p * stepStride;
                int d = panelAt + p * width;
                for (int r = 0; r < lines; r++) {
                    dst[d + r] = src[step + r * lineStride];
                }
            }
        }
    }

    /**
     * Each line is contiguous in the source (A row-major, or B transposed), so one step of a panel is a
     * strided column: fetch it with vector gathers of up to L lines and store it contiguously. (A scalar
     * transpose, reading each line sequentially and writing with stride width, was about twice slower.)
     */
    private static void packContiguousSteps(float[] src, int off, int lineStride, int count, int kc, int width,
                                            float[] dst, int at) {
        int[] lineOffsets = new int[(width + L - 1) / L * L];
        for (int r = 0; r < Math.min(width, count); r++) {
            lineOffsets[r] = r * lineStride;
        }
        for (int first = 0; first < count; first += width) {
            int lines = Math.min(width, count - first);
            // The gather checks the index of every lane, masked or not: point the unused ones at line 0.
            Arrays.fill(lineOffsets, lines, lineOffsets.length, 0);
            int s = off + first * lineStride;
            int panelAt = at + first * kc;
            for (int group = 0; group < lines; group += L) {
                VectorMask<Float> valid = S.indexInRange(group, lines);
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(S, src, s + p, lineOffsets, group, valid)
                            .intoArray(dst, panelAt + p * width + group, valid);
                }
            }
        }
    }

    /**
     * The lines of each step are contiguous in the source (B row-major, or A transposed): walk the source
     * step by step, each step's {@code count} values sequentially, and deal them out to the panels with
     * vector copies, the lanes past a multiple of L under a mask (A's 12-wide panels are one masked copy per
     * step; copied value by value they packed about 40 % slower).
     */
    private static void packContiguousLines(float[] src, int off, int stepStride, int count, int kc, int width,
                                            float[] dst, int at) {
        int fullEnd = S.loopBound(width);
        VectorMask<Float> fullTail = S.indexInRange(fullEnd, width);
        int lastFirst = (count - 1) / width * width;
        int lastLines = count - lastFirst;
        int lastEnd = S.loopBound(lastLines);
        VectorMask<Float> lastTail = S.indexInRange(lastEnd, lastLines);
        for (int p = 0; p < kc; p++) {
            int step = off + p * stepStride;
            for (int first = 0; first < count; first += width) {
                boolean last = first == lastFirst;
                int vectorEnd = last ? lastEnd : fullEnd;
                int s = step + first;
                int d = at + first * kc + p * width;
                int r = 0;
                for (; r < vectorEnd; r += L) {
                    FloatVector.fromArray(S, src, s + r).intoArray(dst, d + r);
                }
                if (r < (last ? lastLines : width)) {
                    VectorMask<Float> tail = last ? lastTail : fullTail;
                    FloatVector.fromArray(S, src, s + r, tail).intoArray(dst, d + r, tail);
                }
            }
        }
    }
}
