package dev.cortado.autograd;

import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.Tensor;

import java.util.Arrays;

/** Differentiable matrix products. */
public final class LinalgOps {
    private LinalgOps() {
    }

    /**
     * {@code torch.matmul}: for C = A·B (batched, batch dims broadcast), dA = dC·Bᵀ and dB = Aᵀ·dC, each
     * summed over the batch dims its operand was broadcast along. A 1-D operand is treated as a row (A) or a
     * column (B) vector, as in the forward. Transposes are strided views, never copies.
     */
    public static Variable matmul(Variable a, Variable b) {
        Tensor x = a.data(), y = b.data();
        Tensor out = LinearAlgebra.matmul(x, y);
        return Node.record("matmul", out, new Tensor[] {x, y}, g -> {
            Tensor left = x.dim() == 1 ? x.unsqueeze(0) : x;
            Tensor right = y.dim() == 1 ? y.unsqueeze(1) : y;
            Tensor grad = g.reshape(productShape(left, right));
            Tensor da = null, db = null;
            if (a.requiresGrad()) {
                da = Grads.sumToShape(LinearAlgebra.matmul(grad, right.transpose(-1, -2)), left.shape()).reshape(x.shape());
            }
            if (b.requiresGrad()) {
                if (right.dim() == 2 && left.dim() > 2) {
                    // B shared by every batch: one [K, rows]·[rows, N] product instead of a batch of them summed.
                    int k = left.size(-1);
                    Tensor rows = left.reshape(-1, k);
                    db = LinearAlgebra.mm(rows.t(), grad.reshape(-1, grad.size(-1)));
                } else {
                    db = Grads.sumToShape(LinearAlgebra.matmul(left.transpose(-1, -2), grad), right.shape());
                }
                db = db.reshape(y.shape());
            }
            return new Tensor[] {da, db};
        }, a, b);
    }

    /**
     * The affine map of {@code nn.Linear}: y = x·Wᵀ + b for x {@code [..., in]}, W {@code [out, in]},
     * b {@code [out]} or {@code null}. Backward: dx = dy·W, dW = dyᵀ·x and db = Σ dy over all rows, with
     * the leading dims of x flattened into rows so each gradient is one matrix product. Shapes are checked by
     * {@link LinearAlgebra#linear}, which also adds the bias inside the product.
     */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        Tensor in = x.data(), w = weight.data();
        Tensor out = LinearAlgebra.linear(in, w, bias == null ? null : bias.data());
        int outFeatures = w.size(0);
        Backward backward = g -> {
            Tensor rowsGrad = g.reshape(-1, outFeatures);
            Tensor dx = x.requiresGrad() ? LinearAlgebra.matmul(g, w) : null;
            Tensor dw = weight.requiresGrad() ? LinearAlgebra.mm(rowsGrad.t(), in.reshape(-1, in.size(-1))) : null;
            Tensor db = bias != null && bias.requiresGrad() ? Reductions.sum(rowsGrad, new int[] {0}, false) : null;
            return bias == null ? new Tensor[] {dx, dw} : new Tensor[] {dx, dw, db};
        };
        Tensor[] saved = {in, w};
        return bias == null ? Node.record("linear", out, saved, backward, x, weight)
                : Node.record("linear", out, saved, backward, x, weight, bias);
    }

    /** The shape [batch..., M, N] of the product of the 1-D-promoted operands (before 1-D dims are dropped). */
    private static int[] productShape(Tensor left, Tensor right) {
        int[] batch = Shapes.broadcast("matmul", Arrays.copyOf(left.shape(), left.dim() - 2),
                Arrays.copyOf(right.shape(), right.dim() - 2));
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = left.size(left.dim() - 2);
        shape[batch.length + 1] = right.size(right.dim() - 1);
        return shape;
    }
}
