package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import java.util.Arrays;

/**
 * Matrix products of float32 tensors with {@code torch.matmul} semantics.
 *
 * <p>For a {@code [..., M, K]} and b {@code [..., K, N]}:
 * <pre>
 *   out[..., i, j] = Σ_p a[..., i, p] · b[..., p, j]        out: [broadcast(a..., b...), M, N]
 * </pre>
 * The batch dims ("...") broadcast as in NumPy. A 1-D a is treated as {@code [1, K]} and a 1-D b as
 * {@code [K, 1]}, and the added dim is removed from the result, so 1-D · 1-D is the dot product (a 0-d
 * tensor), 2-D · 1-D a matrix-vector product and 1-D · 2-D a vector-matrix product. Transposed, sliced and
 * broadcast operands are read through their strides and never copied. K = 0 gives zeros.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(1, 8, 16, 32);          // seed 1: a batch of 8 [16, 32] matrices
 * Tensor w = Tensor.randn(2, 64, 32);             // seed 2: [64, 32]
 * Tensor y = LinearAlgebra.matmul(x, w.t());      // [8, 16, 64], w broadcast over the batch
 * }</pre>
 */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /** The matrix product with {@code torch.matmul} semantics (see the class comment). */
    public static Tensor matmul(Tensor a, Tensor b) {
        return product("matmul", a, b);
    }

    /**
     * A linear layer, {@code x · weightᵀ + bias} (as {@code torch.nn.functional.linear}): x [..., in], weight
     * [out, in], bias [out] or null, result [..., out]. The backend adds the bias inside the product where it
     * can (the CPU's GEMM starts each tile from it), saving a pass over the result.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        x.requireDType("linear", DType.FLOAT32);
        weight.requireDType("linear", DType.FLOAT32);
        if (weight.dim() != 2 || x.dim() == 0 || x.size(-1) != weight.size(1)) {
            throw new IllegalArgumentException("linear: input " + Shapes.str(x.shape()) + " does not match weight "
                    + Shapes.str(weight.shape()) + " (expected [..., " + (weight.dim() == 2 ? weight.size(1) : "in")
                    + "])");
        }
        if (bias == null) {
            return matmul(x, weight.t());
        }
        bias.requireDType("linear", DType.FLOAT32);
        int outFeatures = weight.size(0);
        if (bias.dim() != 1 || bias.size(0) != outFeatures) {
            throw new IllegalArgumentException("linear: bias " + Shapes.str(bias.shape()) + " does not match weight "
                    + Shapes.str(weight.shape()) + " (expected [" + outFeatures + "])");
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = outFeatures;
        Tensor out = Tensor.zeros(shape);
        if (out.numel() > 0) {
            Tensor rows = x.reshape(out.numel() / outFeatures, x.size(-1));   // not -1: in may be 0
            Backends.current().matmulAddBias(rows, weight.t(), bias.contiguous(), out.view(rows.size(0), outFeatures));
        }
        return out;
    }

    /** The product of two matrices, {@code [M, K] · [K, N] → [M, N]} (as {@code torch.mm}). */
    public static Tensor mm(Tensor a, Tensor b) {
        if (a.dim() != 2 || b.dim() != 2) {
            throw new IllegalArgumentException("mm: expected two 2-D tensors, got shapes " + Shapes.str(a.shape())
                    + " and " + Shapes.str(b.shape()));
        }
        return product("mm", a, b);
    }

    /** Batched product without broadcasting, {@code [B, M, K] · [B, K, N] → [B, M, N]} (as {@code torch.bmm}). */
    public static Tensor bmm(Tensor a, Tensor b) {
        if (a.dim() != 3 || b.dim() != 3 || a.size(0) != b.size(0)) {
            throw new IllegalArgumentException("bmm: expected two 3-D tensors with equal batch size, got shapes "
                    + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()));
        }
        return product("bmm", a, b);
    }

    private static Tensor product(String op, Tensor a, Tensor b) {
        a.requireDType(op, DType.FLOAT32);
        b.requireDType(op, DType.FLOAT32);
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException(op + ": both arguments need at least 1 dim, got shapes "
                    + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()));
        }
        Tensor left = a.dim() == 1 ? a.unsqueeze(0) : a;
        Tensor right = b.dim() == 1 ? b.unsqueeze(1) : b;
        int[] ls = left.shape();
        int[] rs = right.shape();
        int m = ls[ls.length - 2];
        int k = ls[ls.length - 1];
        int n = rs[rs.length - 1];
        if (rs[rs.length - 2] != k) {
            throw new IllegalArgumentException(op + ": shapes " + Shapes.str(a.shape()) + " and "
                    + Shapes.str(b.shape()) + " cannot be multiplied (" + k + " columns vs "
                    + rs[rs.length - 2] + " rows)");
        }
        String batchOp = op + " (batch dims of " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()) + ")";
        int[] batch = Shapes.broadcast(batchOp, Arrays.copyOf(ls, ls.length - 2), Arrays.copyOf(rs, rs.length - 2));

        Tensor out = Tensor.zeros(concat(batch, m, n));
        if (out.numel() > 0) {
            Tensor lhs = left.expand(concat(batch, m, k));
            Tensor rhs = right.expand(concat(batch, k, n));
            multiplyBatches(lhs, rhs, out, batch.length);
        }
        int[] resultShape = out.shape();
        if (a.dim() == 1) {
            resultShape = drop(resultShape, resultShape.length - 2);
        }
        if (b.dim() == 1) {
            resultShape = drop(resultShape, resultShape.length - 1);
        }
        return out.view(resultShape);
    }

    /**
     * Hands the backend 3-D views. When b is the same matrix for every batch entry (stride 0) and a's batch
     * and row dims merge into one, the whole batch is a single {@code [B·M, K] · [K, N]} product. Otherwise
     * the batch dims merge into one when their strides allow it, else the product runs per entry of the
     * leading batch dims.
     */
    private static void multiplyBatches(Tensor a, Tensor b, Tensor out, int batchDims) {
        int[] bStrides = b.strides();
        boolean sharedRight = true;
        for (int d = 0; d < batchDims; d++) {
            sharedRight &= bStrides[d] == 0;
        }
        int rows = a.size(-2) * Shapes.numel(Arrays.copyOf(a.shape(), batchDims));
        if (sharedRight && mergeable(a, 0, batchDims + 1)) {
            Tensor matrix = b;
            for (int d = 0; d < batchDims; d++) {
                matrix = matrix.select(0, 0);
            }
            Backends.current().matmul(a.view(1, rows, a.size(-1)), matrix.unsqueeze(0),
                    out.view(1, rows, out.size(-1)));
            return;
        }
        if (batchDims == 0) {
            Backends.current().matmul(a.unsqueeze(0), b.unsqueeze(0), out.unsqueeze(0));
        } else if (mergeable(a, 0, batchDims) && mergeable(b, 0, batchDims)) {
            Backends.current().matmul(mergeBatch(a, batchDims), mergeBatch(b, batchDims), mergeBatch(out, batchDims));
        } else {
            for (int i = 0; i < a.size(0); i++) {
                multiplyBatches(a.select(0, i), b.select(0, i), out.select(0, i), batchDims - 1);
            }
        }
    }

    /**
     * True when dims [from, to) of t can be viewed as one dim: ignoring size-1 dims, each stride is the next
     * one times that one's size (stride-0 broadcast dims merge with each other).
     */
    private static boolean mergeable(Tensor t, int from, int to) {
        int[] shape = t.shape();
        int[] strides = t.strides();
        int inner = -1;
        for (int d = to - 1; d >= from; d--) {
            if (shape[d] == 1) {
                continue;
            }
            if (inner >= 0 && strides[d] != strides[inner] * shape[inner]) {
                return false;
            }
            inner = d;
        }
        return true;
    }

    /** The view of t with its first {@code batchDims} dims merged into one (they must be mergeable). */
    private static Tensor mergeBatch(Tensor t, int batchDims) {
        int[] shape = t.shape();
        int batch = Shapes.numel(Arrays.copyOf(shape, batchDims));
        return t.view(batch, shape[shape.length - 2], shape[shape.length - 1]);
    }

    private static int[] concat(int[] batch, int rows, int cols) {
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = rows;
        shape[batch.length + 1] = cols;
        return shape;
    }

    private static int[] drop(int[] shape, int dim) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != dim) {
                out[j++] = shape[i];
            }
        }
        return out;
    }
}
