package dev.cortado.tensor.backend;

import dev.cortado.tensor.Tensor;
import java.util.function.Supplier;

/**
 * The kernels every op dispatches to. The functional op classes ({@code Elementwise}, {@code Reductions},
 * {@code LinearAlgebra}, …) validate arguments, compute output shapes, allocate outputs and arrange views;
 * a backend only computes. So every method may assume:
 * <ul>
 *   <li>shapes and dtypes are already checked and consistent, as described per method;</li>
 *   <li>inputs may be arbitrary strided views (including stride 0 from broadcasting) unless a method says
 *       "contiguous";</li>
 *   <li>outputs are freshly allocated, dense and row-major, unless a method says otherwise.</li>
 * </ul>
 * {@link dev.cortado.tensor.reference.ReferenceBackend} is the specification of every method; other
 * backends are tested against it.
 */
public interface Backend {
    /** Short name used to select the backend ({@code cpu}, {@code reference}, …). */
    String name();

    /** One human-readable line describing the device, for {@code cortado devices}. */
    String describe();

    // ------------------------------------------------------------ memory

    /** {@code dst[i] = src[i]} for tensors of the same shape; converts when dtypes differ. dst may be a strided view. */
    void copy(Tensor src, Tensor dst);

    // ------------------------------------------------------------ elementwise (float32)

    /** {@code out = op(x)}; x has out's shape. */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /**
     * The local backward of a unary op in one pass: {@code gradIn = gradOut · op'(x)} elementwise (for RELU,
     * op'(x) = 1 where x &gt; 0, else 0; for ABS, sign(x)). x, gradOut and gradIn have the same shape (any
     * strides).
     */
    void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor gradIn);

    /** {@code out = min(max(x, min), max)}; NaN stays NaN. x has out's shape. */
    void clamp(Tensor x, float min, float max, Tensor out);

    /**
     * Inverted dropout of a contiguous tensor: {@code out[i] = x[i] / (1 − p)} where element i is kept, else 0.
     * Element i (row-major) is kept when {@code (float) u_i ≥ p}, u_i the i-th draw of
     * {@code new SplittableRandom(seed).nextDouble()} ({@link dev.cortado.tensor.reference.ScalarMath#uniformBits}),
     * so the mask depends only on seed and position: the same call on the gradient reproduces it.
     */
    void dropout(Tensor x, float p, long seed, Tensor out);

    /** {@code out = op(a, b)}; a and b are broadcast views with out's shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** {@code out = a op b} into a BOOL tensor; a and b are float32 or int64 (same dtype), broadcast to out's shape. */
    void compare(CompareOp op, Tensor a, Tensor b, Tensor out);

    /** {@code out = condition ? a : b}; condition BOOL, a and b of out's dtype, all broadcast to out's shape. */
    void where(Tensor condition, Tensor a, Tensor b, Tensor out);

    // ------------------------------------------------------------ reductions (float32)

    /**
     * Reduces the last {@code reducedDims} dims of x; out holds one value per combination of the leading
     * dims (dense, {@code numel = product of x's leading sizes}).
     */
    void reduce(ReduceOp op, Tensor x, int reducedDims, Tensor out);

    /** Variance over the last {@code reducedDims} dims: Σ(x - mean)² / (n - correction); NaN when n - correction ≤ 0. */
    void variance(Tensor x, int reducedDims, int correction, Tensor out);

    /**
     * Index (INT64, row-major within the reduced dims) of the largest ({@code max}) or smallest value over
     * the last {@code reducedDims} dims; the first occurrence wins and NaN counts as the extreme.
     */
    void argReduce(boolean max, Tensor x, int reducedDims, Tensor out);

    // ------------------------------------------------------------ row-wise (float32, contiguous [rows, n])

    /** Softmax (or log-softmax) of each row, numerically stable (subtract the row maximum). */
    void softmax(Tensor x, Tensor out, boolean log);

    /**
     * Backward of each row's softmax from its output y: {@code gradIn = y·(g − Σ g·y)}; with {@code log},
     * of log-softmax: {@code gradIn = g − e^y·Σ g}. All contiguous [rows, n].
     */
    void softmaxBackward(Tensor y, Tensor gradOut, Tensor gradIn, boolean log);

    /**
     * Layer norm of each row: {@code out = (x - mean) · rstd · weight + bias}, {@code rstd = 1/sqrt(var + eps)}
     * with the biased variance. weight, bias ([n]) may be null; mean and rstd ([rows]) may be null, else they
     * receive the statistics for a backward pass.
     */
    void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd);

    /**
     * Layer-norm backward over contiguous [rows, n] rows, with the forward's per-row mean and rstd [rows]:
     * x̂ = (x − mean)·rstd, ĝ = g·weight (g if weight is null),
     * {@code gradIn = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))}; when non-null, {@code gradWeight = Σ_rows g·x̂}
     * and {@code gradBias = Σ_rows g} ([n], overwritten).
     */
    void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut, Tensor gradIn,
                           Tensor gradWeight, Tensor gradBias);

    /**
     * The k largest ({@code largest}) or smallest values of each row with their INT64 column indices,
     * sorted (descending for largest); ties keep the lower index first. x is contiguous [rows, n];
     * values and indices are [rows, k].
     */
    void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices);

    // ------------------------------------------------------------ linear algebra (float32)

    /** Batched {@code out[b] = a[b] · b[b]}: a [B, M, K], b [B, K, N] (any strides, batch stride may be 0), out [B, M, N]. */
    void matmul(Tensor a, Tensor b, Tensor out);

    /**
     * {@code out = a · b + bias}, a linear layer: a [M, K], b [K, N] (any strides), bias [N] (contiguous) added to
     * every row, out [M, N] (rows contiguous). This default multiplies, then adds; a backend may fuse the two.
     */
    default void matmulAddBias(Tensor a, Tensor b, Tensor bias, Tensor out) {
        matmul(a.unsqueeze(0), b.unsqueeze(0), out.unsqueeze(0));
        binary(BinaryOp.ADD, out, bias.expand(out.shape()), out);
    }

    // ------------------------------------------------------------ attention (float32)

    /**
     * Scaled dot-product attention for every batch and head: {@code probs = softmax(scale · q·kᵀ + mask)} along
     * the keys and {@code out = probs · v}. q [B, H, Lq, D], k [B, H, Lk, D], v [B, H, Lk, Dv], mask additive
     * [B, H, Lq, Lk] (null for none; −∞ masks a key, a row masked everywhere gives NaN as in PyTorch), out
     * [B, H, Lq, Dv]; all of these any strides (mask stride 0 where broadcast). probs [B, H, Lq, Lk] is dense
     * and kept for {@link #attentionBackward}, or null when no backward follows. This default composes matmul,
     * scaling, mask and softmax; a backend may fuse them.
     */
    default void attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, Tensor out, Tensor probs) {
        int[] scoreShape = {q.size(0), q.size(1), q.size(2), k.size(2)};
        int[] batchedScores = {q.size(0) * q.size(1), q.size(2), k.size(2)};
        Tensor products = Tensor.zeros(scoreShape);
        matmul(headsAsBatch(q), headsAsBatch(k).transpose(1, 2), products.view(batchedScores));
        Tensor scores = Tensor.zeros(scoreShape);
        binary(BinaryOp.MUL, products, Tensor.scalar(scale).expand(scoreShape), scores);
        if (mask != null) {
            Tensor masked = Tensor.zeros(scoreShape);
            binary(BinaryOp.ADD, scores, mask, masked);
            scores = masked;
        }
        Tensor weights = probs != null ? probs : Tensor.zeros(scoreShape);
        softmax(scores, weights, false);
        matmulInto(weights.view(batchedScores), headsAsBatch(v), out);
    }

    /**
     * The gradients of {@link #attention} from its saved {@code probs} P and the output gradient dO:
     * dV = Pᵀ·dO, dS = P ⊙ (dP − Σⱼ P ⊙ dP) with dP = dO·vᵀ, dQ = scale · dS·k, dK = scale · dSᵀ·q. Shapes
     * as in {@link #attention}; gradQ, gradK, gradV have the shapes of q, k, v (any strides) and are
     * overwritten. This default composes matmul and the softmax backward; a backend may fuse them.
     */
    default void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor gradOut, float scale,
                                   Tensor gradQ, Tensor gradK, Tensor gradV) {
        Tensor p = headsAsBatch(probs);
        Tensor g = headsAsBatch(gradOut);
        matmulInto(p.transpose(1, 2), g, gradV);
        Tensor gradProbs = Tensor.zeros(p.shape());
        matmul(g, headsAsBatch(v).transpose(1, 2), gradProbs);
        Tensor gradScores = Tensor.zeros(p.shape());
        softmaxBackward(p, gradProbs, gradScores, false);
        Tensor scaled = Tensor.zeros(p.shape());
        binary(BinaryOp.MUL, gradScores, Tensor.scalar(scale).expand(p.shape()), scaled);
        matmulInto(scaled, headsAsBatch(k), gradQ);
        matmulInto(scaled.transpose(1, 2), headsAsBatch(q), gradK);
    }

    /**
     * x [B, H, L, D] as one batch [B·H, L, D] for the composed attention: a view when x's strides allow it, else a
     * dense copy made by this backend.
     */
    private Tensor headsAsBatch(Tensor x) {
        Tensor source = x;
        if (x.size(0) > 1 && x.size(1) > 1 && x.stride(0) != x.size(1) * x.stride(1)) {
            source = Tensor.empty(x.dtype(), x.shape());
            copy(x, source);
        }
        return source.view(x.size(0) * x.size(1), x.size(2), x.size(3));
    }

    /** {@link #matmul} of [B·H, …] batches into out [B, H, …] of any strides, through a dense product. */
    private void matmulInto(Tensor a, Tensor b, Tensor out) {
        Tensor product = Tensor.zeros(out.shape());
        matmul(a, b, product.view(a.size(0), a.size(1), b.size(2)));
        copy(product, out);
    }

    // ------------------------------------------------------------ convolution and pooling (float32, NCHW)

    /** out [N, O, OH, OW] = conv2d(input [N, C, H, W], weight [O, C/groups, KH, KW]) + bias [O] (bias may be null). */
    void conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor out);

    /** Gradient of conv2d w.r.t. its input: gradInput [N, C, H, W] from gradOut [N, O, OH, OW] and weight (overwritten, not accumulated). */
    void conv2dInputGrad(Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradInput);

    /** Gradient of conv2d w.r.t. its weight: gradWeight [O, C/groups, KH, KW] from input and gradOut (overwritten). */
    void conv2dWeightGrad(Tensor input, Tensor gradOut, Conv2dParams params, Tensor gradWeight);

    /** Max pooling over [N, C, H, W]; indices (INT64, may be null) receive the flat h·W + w position of each maximum. */
    void maxPool2d(Tensor input, Pool2dParams params, Tensor out, Tensor indices);

    /** Average pooling over [N, C, H, W]; padding counts toward the divisor when params.countIncludePad(). */
    void avgPool2d(Tensor input, Pool2dParams params, Tensor out);

    /**
     * Adaptive average pooling of [N, C, H, W] to out [N, C, OH, OW]: output row i averages input rows
     * [floor(i·H/OH), ceil((i+1)·H/OH)), likewise columns.
     */
    void adaptiveAvgPool2d(Tensor input, Tensor out);

    /**
     * Gradient of {@link #avgPool2d}: gradInput [N, C, H, W] (overwritten) from gradOut [N, C, OH, OW];
     * each output's gradient is spread over its window's input positions divided by the forward's divisor.
     */
    void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradInput);

    /** Gradient of {@link #adaptiveAvgPool2d}: gradInput [N, C, H, W] (overwritten) from gradOut [N, C, OH, OW]. */
    void adaptiveAvgPool2dBackward(Tensor gradOut, Tensor gradInput);

    // ------------------------------------------------------------ indexing (any dtype for values)

    /** {@code out[..., i, ...] = x[..., index[..., i, ...], ...]} along {@code dim} (torch.gather); index INT64 in range. */
    void gather(Tensor x, int dim, Tensor index, Tensor out);

    /** Slices of x along {@code dim} at the positions of the 1-D INT64 index (in range). */
    void indexSelect(Tensor x, int dim, Tensor index, Tensor out);

    /** In place: {@code dst[..., index[..., i, ...], ...] += src[..., i, ...]} along {@code dim} (float32 dst; index in range; dst may be a view). */
    void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src);

    /**
     * One Adam/AdamW step in place (Kingma and Ba, 2015; Loshchilov and Hutter, 2019), per element in this order:
     * <pre>
     *   g ← g + l2·θ
     *   m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
     *   θ ← θ·shrink − stepSize · m / (√v / √(1 − β₂ᵗ) + ε)
     * </pre>
     * θ (the parameter), m ({@code exp_avg}) and v ({@code exp_avg_sq}) are contiguous float32 tensors of one
     * size, written in place and marked modified; grad has that size in any layout. This default is the
     * sequential loop every backend must match bit for bit on the host; a device backend runs it where the
     * tensors live.
     */
    default void adamStep(Tensor theta, Tensor grad, Tensor m, Tensor v, AdamStep s) {
        Tensor g = grad.contiguous();
        float[] t = theta.floatData();
        float[] gd = g.floatData();
        float[] md = m.floatData();
        float[] vd = v.floatData();
        int thetaOffset = theta.offset();
        int gradOffset = g.offset();
        int mOffset = m.offset();
        int vOffset = v.offset();
        for (int j = 0, n = theta.numel(); j < n; j++) {
            float tj = t[thetaOffset + j];
            float gj = gd[gradOffset + j] + s.l2() * tj;
            float mj = s.beta1() * md[mOffset + j] + s.oneMinusBeta1() * gj;
            float vj = s.beta2() * vd[vOffset + j] + s.oneMinusBeta2() * gj * gj;
            md[mOffset + j] = mj;
            vd[vOffset + j] = vj;
            float denominator = (float) Math.sqrt(vj) / s.bias2Sqrt() + s.eps();
            t[thetaOffset + j] = tj * s.shrink() - s.stepSize() * (mj / denominator);
        }
        theta.markModified();
        m.markModified();
        v.markModified();
    }

    /**
     * Runs one training step ({@code body}: forward, loss, backward, optimiser update) and returns its result.
     * A training loop calls it once per step; steps that repeat the same backend calls with the same shapes let
     * a device backend capture them once and replay them as one device program, keeping parameters, moments and
     * activations on the device (see docs/architecture.md, "Device residency"). Values the body reads on the
     * host are current when read. This default just runs the body.
     */
    default <T> T step(Supplier<T> body) {
        return body.get();
    }
}
