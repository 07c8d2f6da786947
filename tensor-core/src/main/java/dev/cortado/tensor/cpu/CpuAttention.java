package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;

import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Fused scaled dot-product attention (the CPU backend's {@code attention} and {@code attentionBackward}).
 *
 * <p>Each (batch, head) pair is one work item. Its keys and values are first copied into per-thread buffers
 * laid out for vector loops (Kᵀ as D rows of Lk, V as Lk rows of Dv, each row padded to whole vectors), then
 * every query row runs scores → mask → e^(score − max) → weighted sum of values → division by the sum of
 * the exponentials, while its Lk scores sit in one buffer. With the shapes of a ViT or MiniLM (Lk ≤ a few hundred, D = 32 or 64) an item's buffers are
 * tens of KiB and stay in L1, and the only Lq × Lk array that reaches memory is the probabilities the
 * backward needs. Every item is computed by one thread in a fixed order, so results do not depend on the
 * thread count.
 *
 * <p>Backward, per item, with P the saved probabilities and dO the output gradient:
 * dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP)) (the softmax Jacobian), dQ = scale·dS·K, dK = scale·dSᵀ·Q,
 * dV = Pᵀ·dO.
 */
final class CpuAttention {
    private static final int L = FLOAT.length();
    /** Rows computed together by the two product loops (their register blocking). */
    private static final int BLOCK = 4;
    /** Buffer rows are padded to a multiple of this (the product loops take two vectors at a time). */
    private static final int PAD = 2 * L;
    private static final ThreadLocal<float[][]> WORKSPACE = ThreadLocal.withInitial(() -> new float[1][0]);

    private CpuAttention() {
    }

    /** The sizes of one call and where a (batch, head) item starts in each operand. */
    private record Shape(int batch, int heads, int lq, int lk, int d, int dv) {
        static Shape of(Tensor q, Tensor k, Tensor v) {
            return new Shape(q.size(0), q.size(1), q.size(2), k.size(2), q.size(3), v.size(3));
        }

        int items() {
            return batch * heads;
        }

        /** Offset of item {@code item}'s first element in t (a [B, H, …] tensor). */
        static int itemOffset(Tensor t, int item, int heads) {
            return t.offset() + item / heads * t.stride(0) + item % heads * t.stride(1);
        }
    }

    static void forward(Parallel parallel, Tensor q, Tensor k, Tensor v, Tensor mask, float scale, Tensor out,
                        Tensor probs) {
        Shape sh = Shape.of(q, k, v);
        int lkPad = roundUp(sh.lk), dPad = roundUp(sh.d), dvPad = roundUp(sh.dv);
        int keysT = 0, values = keysT + sh.d * lkPad, queries = values + sh.lk * dvPad;
        int scores = queries + sh.lq * dPad, rows = scores + BLOCK * lkPad;
        int floats = rows + BLOCK * dvPad;
        int[] keyRows = rowOffsets(k, sh.lk);
        parallel.forRange(sh.items(), 1, (first, last) -> {
            float[] w = workspace(floats);
            float[] inverseSums = new float[BLOCK];
            for (int item = first; item < last; item++) {
                // Kᵀ, V and scale·Q of this item, padded with zeros to whole vectors.
                packTransposed(k, item, sh.heads, sh.lk, sh.d, keyRows, w, keysT, lkPad);
                pack(v, item, sh.heads, sh.lk, sh.dv, 1f, w, values, dvPad);
                pack(q, item, sh.heads, sh.lq, sh.d, scale, w, queries, dPad);
                int probsAt = probs == null ? 0 : probs.offset() + item * sh.lq * sh.lk;
                for (int i0 = 0; i0 < sh.lq; i0 += BLOCK) {
                    int count = Math.min(BLOCK, sh.lq - i0);
                    combineRows(w, queries + i0 * dPad, dPad, 1, count, sh.d, w, keysT, lkPad, w, scores);
                    for (int r = 0; r < count; r++) {
                        int at = scores + r * lkPad;
                        addMaskRow(mask, item, sh.heads, i0 + r, sh.lk, w, at);
                        Arrays.fill(w, at + sh.lk, at + lkPad, Float.NEGATIVE_INFINITY);
                        inverseSums[r] = exponentiate(w, at, lkPad);
                        if (probs != null) {
                            scaleInto(w, at, inverseSums[r], probs.floatData(), probsAt + (i0 + r) * sh.lk, sh.lk);
                        }
                    }
                    // softmax(S)·V = (e^S·V) / Σ e^S: the rows are normalised once they are sums over V.
                    combineRows(w, scores, lkPad, 1, count, sh.lk, w, values, dvPad, w, rows);
                    for (int r = 0; r < count; r++) {
                        unpackRow(w, rows + r * dvPad, inverseSums[r], out, item, sh.heads, i0 + r, sh.dv);
                    }
                }
            }
        });
    }

    static void backward(Parallel parallel, Tensor q, Tensor k, Tensor v, Tensor probs, Tensor gradOut, float scale,
                         Tensor gradQ, Tensor gradK, Tensor gradV) {
        Shape sh = Shape.of(q, k, v);
        int lkPad = roundUp(sh.lk), dPad = roundUp(sh.d), dvPad = roundUp(sh.dv);
        int keys = 0, queries = keys + sh.lk * dPad, valuesT = queries + sh.lq * dPad;
        int gradOutRows = valuesT + sh.dv * lkPad, weights = gradOutRows + sh.lq * dvPad;
        int gradScores = weights + sh.lq * lkPad, rows = gradScores + roundUp(sh.lq, BLOCK) * lkPad;
        int floats = rows + BLOCK * Math.max(dPad, dvPad);
        int[] valueRows = rowOffsets(v, sh.lk);
        parallel.forRange(sh.items(), 1, (first, last) -> {
            float[] w = workspace(floats);
            for (int item = first; item < last; item++) {
                pack(k, item, sh.heads, sh.lk, sh.d, 1f, w, keys, dPad);
                pack(q, item, sh.heads, sh.lq, sh.d, 1f, w, queries, dPad);
                packTransposed(v, item, sh.heads, sh.lk, sh.dv, valueRows, w, valuesT, lkPad);
                pack(gradOut, item, sh.heads, sh.lq, sh.dv, 1f, w, gradOutRows, dvPad);
                packProbabilities(probs, item, sh.lq, sh.lk, w, weights, lkPad);
                for (int i0 = 0; i0 < sh.lq; i0 += BLOCK) {
                    int count = Math.min(BLOCK, sh.lq - i0);
                    // dP rows into the dS rows' place, then dS = P ⊙ (dP − Σ P ⊙ dP) in place, then dQ = dS·K.
                    combineRows(w, gradOutRows + i0 * dvPad, dvPad, 1, count, sh.dv, w, valuesT, lkPad, w,
                            gradScores + i0 * lkPad);
                    for (int r = 0; r < count; r++) {
                        softmaxGradientInPlace(w, weights + (i0 + r) * lkPad, gradScores + (i0 + r) * lkPad, lkPad);
                    }
                    combineRows(w, gradScores + i0 * lkPad, lkPad, 1, count, sh.lk, w, keys, dPad, w, rows);
                    for (int r = 0; r < count; r++) {
                        unpackRow(w, rows + r * dPad, scale, gradQ, item, sh.heads, i0 + r, sh.d);
                    }
                }
                // dK = dSᵀ·Q and dV = Pᵀ·dO: the coefficients of key j are column j of dS and of P.
                for (int j0 = 0; j0 < sh.lk; j0 += BLOCK) {
                    int count = Math.min(BLOCK, sh.lk - j0);
                    combineRows(w, gradScores + j0, 1, lkPad, count, sh.lq, w, queries, dPad, w, rows);
                    for (int r = 0; r < count; r++) {
                        unpackRow(w, rows + r * dPad, scale, gradK, item, sh.heads, j0 + r, sh.d);
                    }
                    combineRows(w, weights + j0, 1, lkPad, count, sh.lq, w, gradOutRows, dvPad, w, rows);
                    for (int r = 0; r < count; r++) {
                        unpackRow(w, rows + r * dvPad, 1f, gradV, item, sh.heads, j0 + r, sh.dv);
                    }
                }
            }
        });
    }

    /**
     * Copies {@code factor} · item {@code item} of t ([B, H, rows, cols], any strides) into {@code w} at
     * {@code at} as rows of {@code stride} floats; the padding up to {@code stride} is zero.
     */
    private static void pack(Tensor t, int item, int heads, int rows, int cols, float factor, float[] w, int at,
                             int stride) {
        float[] data = t.floatData();
        int rowStride = t.stride(2), columnStride = t.stride(3);
        int base = Shape.itemOffset(t, item, heads);
        for (int r = 0; r < rows; r++) {
            int from = base + r * rowStride;
            int to = at + r * stride;
            if (columnStride == 1) {
                scaleInto(data, from, factor, w, to, cols);
            } else {
                for (int c = 0; c < cols; c++) {
                    w[to + c] = factor * data[from + c * columnStride];
                }
            }
            Arrays.fill(w, to + cols, to + stride, 0f);
        }
    }

    /**
     * Copies item {@code item} of t ([B, H, rows, cols], any strides) transposed into {@code w} at {@code at}:
     * cols rows of {@code stride} floats, zero-padded. Each destination row is gathered L source rows at a
     * time, at the offsets {@code rowOffsets} (from {@link #rowOffsets}), and stored as whole vectors (a scalar
     * transpose, writing one value per destination row in turn, took about 5 % of a ViT training step).
     */
    private static void packTransposed(Tensor t, int item, int heads, int rows, int cols, int[] rowOffsets,
                                       float[] w, int at, int stride) {
        float[] data = t.floatData();
        int column = t.stride(3);
        int base = Shape.itemOffset(t, item, heads);
        int vectorRows = roundUp(rows, L);
        for (int c = 0; c < cols; c++) {
            int from = base + c * column;
            int to = at + c * stride;
            for (int r = 0; r < rows; r += L) {
                FloatVector.fromArray(FLOAT, data, from, rowOffsets, r, FLOAT.indexInRange(r, rows))
                        .intoArray(w, to + r);
            }
            Arrays.fill(w, to + vectorRows, to + stride, 0f);
        }
    }

    /**
     * The offsets of t's rows (dimension 2) from its row 0, for {@link #packTransposed}'s gathers, padded with
     * zeros to whole vectors (a gather checks every lane's index, masked or not).
     */
    private static int[] rowOffsets(Tensor t, int rows) {
        int[] offsets = new int[roundUp(rows, L)];
        for (int r = 0; r < rows; r++) {
            offsets[r] = r * t.stride(2);
        }
        return offsets;
    }

    private static void packProbabilities(Tensor probs, int item, int lq, int lk, float[] w, int at, int stride) {
        int from = probs.offset() + item * lq * lk;
        for (int i = 0; i < lq; i++) {
            System.arraycopy(probs.floatData(), from + i * lk, w, at + i * stride, lk);
            Arrays.fill(w, at + i * stride + lk, at + (i + 1) * stride, 0f);
        }
    }

    /** Row {@code row} of item {@code item} of t ([B, H, rows, width], any strides) = scale · w[at …]. */
    private static void unpackRow(float[] w, int at, float scale, Tensor t, int item, int heads, int row, int width) {
        float[] data = t.floatData();
        int step = t.stride(3);
        int to = Shape.itemOffset(t, item, heads) + row * t.stride(2);
        if (step == 1) {
            scaleInto(w, at, scale, data, to, width);
        } else {
            for (int e = 0; e < width; e++) {
                data[to + e * step] = scale * w[at + e];
            }
        }
    }

    /** Adds row i of the item's additive mask (any strides, stride 0 where broadcast) to the scores. */
    private static void addMaskRow(Tensor mask, int item, int heads, int i, int lk, float[] w, int scores) {
        if (mask == null) {
            return;
        }
        float[] data = mask.floatData();
        int step = mask.stride(3);
        int at = Shape.itemOffset(mask, item, heads) + i * mask.stride(2);
        for (int j = 0; j < lk; j++) {
            w[scores + j] += data[at + j * step];
        }
    }

    /**
     * For {@code count} (≤ {@link #BLOCK}) output rows r, {@code out[outAt + r·width + e] = Σ_t coef(r, t) ·
     * rows[rowsAt + t·width + e]} with {@code coef(r, t) = coef[coefAt + r·coefRowStep + t·coefStep]}, e below
     * width (a multiple of {@link #PAD}): weighted sums of {@code terms} rows, i.e. a block of a matrix product
     * (every product here: scores = Q·Kᵀ with coef the rows of Q and rows those of Kᵀ, P·V, dS·K, and with
     * coefStep = the row length, the transposed dSᵀ·Q and Pᵀ·dO). Four output rows by two vectors at a time:
     * 8 accumulators, so that each loaded vector serves four rows and eight FMA chains are in flight. All four
     * rows of out are written: a block of fewer rows repeats its last row's coefficients into the rows past it.
     */
    private static void combineRows(float[] coef, int coefAt, int coefRowStep, int coefStep, int count, int terms,
                                    float[] rows, int rowsAt, int width, float[] out, int outAt) {
        int k0 = coefAt, k1 = coefAt + Math.min(1, count - 1) * coefRowStep;
        int k2 = coefAt + Math.min(2, count - 1) * coefRowStep, k3 = coefAt + Math.min(3, count - 1) * coefRowStep;
        for (int e = 0; e < width; e += 2 * L) {
            FloatVector c00 = FloatVector.zero(FLOAT), c01 = c00, c10 = c00, c11 = c00;
            FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (int t = 0; t < terms; t++) {
                int at = rowsAt + t * width + e;
                int step = t * coefStep;
                FloatVector r0 = FloatVector.fromArray(FLOAT, rows, at);
                FloatVector r1 = FloatVector.fromArray(FLOAT, rows, at + L);
                FloatVector x = FloatVector.broadcast(FLOAT, coef[k0 + step]);
                c00 = r0.fma(x, c00);
                c01 = r1.fma(x, c01);
                x = FloatVector.broadcast(FLOAT, coef[k1 + step]);
                c10 = r0.fma(x, c10);
                c11 = r1.fma(x, c11);
                x = FloatVector.broadcast(FLOAT, coef[k2 + step]);
                c20 = r0.fma(x, c20);
                c21 = r1.fma(x, c21);
                x = FloatVector.broadcast(FLOAT, coef[k3 + step]);
                c30 = r0.fma(x, c30);
                c31 = r1.fma(x, c31);
            }
            int o = outAt + e;
            c00.intoArray(out, o);
            c01.intoArray(out, o + L);
            c10.intoArray(out, o + width);
            c11.intoArray(out, o + width + L);
            c20.intoArray(out, o + 2 * width);
            c21.intoArray(out, o + 2 * width + L);
            c30.intoArray(out, o + 3 * width);
            c31.intoArray(out, o + 3 * width + L);
        }
    }

    /**
     * The numerators of a softmax over w[at … at + width) (width whole vectors), in place: e^(x − max). Returns
     * 1 / Σ e^(x − max), the factor that turns them into the softmax. Lanes at −∞ (masked keys, padding) come
     * out 0; a row that is −∞ everywhere comes out NaN, as in PyTorch.
     */
    private static float exponentiate(float[] w, int at, int width) {
        FloatVector max = FloatVector.broadcast(FLOAT, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < width; j += L) {
            max = max.max(FloatVector.fromArray(FLOAT, w, at + j));
        }
        FloatVector shift = FloatVector.broadcast(FLOAT, max.reduceLanes(VectorOperators.MAX));
        FloatVector sum = FloatVector.zero(FLOAT);
        for (int j = 0; j < width; j += L) {
            FloatVector e = Transcendentals.exp(FloatVector.fromArray(FLOAT, w, at + j).sub(shift));
            e.intoArray(w, at + j);
            sum = sum.add(e);
        }
        return 1f / Simd.sum(sum);
    }

    /** {@code to[toAt + i] = factor · from[fromAt + i]} for i below length: whole vectors, then the rest. */
    private static void scaleInto(float[] from, int fromAt, float factor, float[] to, int toAt, int length) {
        int i = 0;
        for (int bound = FLOAT.loopBound(length); i < bound; i += L) {
            FloatVector.fromArray(FLOAT, from, fromAt + i).mul(factor).intoArray(to, toAt + i);
        }
        for (; i < length; i++) {
            to[toAt + i] = factor * from[fromAt + i];
        }
    }

    /** dS = P ⊙ (dP − Σ P ⊙ dP) over one row, dP at {@code grad} (overwritten by dS), P at {@code weights}. */
    private static void softmaxGradientInPlace(float[] w, int weights, int grad, int width) {
        FloatVector dot = FloatVector.zero(FLOAT);
        for (int j = 0; j < width; j += L) {
            dot = FloatVector.fromArray(FLOAT, w, weights + j).fma(FloatVector.fromArray(FLOAT, w, grad + j), dot);
        }
        FloatVector total = FloatVector.broadcast(FLOAT, Simd.sum(dot));
        for (int j = 0; j < width; j += L) {
            FloatVector p = FloatVector.fromArray(FLOAT, w, weights + j);
            p.mul(FloatVector.fromArray(FLOAT, w, grad + j).sub(total)).intoArray(w, grad + j);
        }
    }

    private static float[] workspace(int length) {
        float[][] holder = WORKSPACE.get();
        if (holder[0].length < length) {
            holder[0] = new float[length];
        }
        return holder[0];
    }

    private static int roundUp(int n) {
        return roundUp(n, PAD);
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
