package dev.cortado.autograd;

import dev.cortado.tensor.Indexing;
import dev.cortado.tensor.Tensor;

/**
 * Differentiable lookups. Each reads some elements of its input (possibly some many times), so the
 * input's gradient is a zero tensor into which the output gradient is scatter-added at the same places.
 */
public final class IndexOps {
    private IndexOps() {
    }

    /** out[i][j] = x[index[i][j]][j] (for dim 0; likewise for other dims), as torch.gather. */
    public static Variable gather(Variable x, int dim, Tensor index) {
        int[] inShape = x.shape();
        return Node.record("gather", Indexing.gather(x.data(), dim, index), new Tensor[] {index},
                g -> new Tensor[] {Indexing.scatterAdd(Tensor.zeros(inShape), dim, index, g)}, x);
    }

    /** The slices of x at positions {@code index} (1-D INT64) along {@code dim}, as torch.index_select. */
    public static Variable indexSelect(Variable x, int dim, Tensor index) {
        int[] inShape = x.shape();
        Tensor out = Indexing.indexSelect(x.data(), dim, index);
        int d = dim < 0 ? dim + inShape.length : dim;
        return Node.record("index_select", out, new Tensor[] {index}, g -> {
            int[] along = new int[g.dim()];
            java.util.Arrays.fill(along, 1);
            along[d] = index.numel();
            Tensor spread = index.reshape(along).expand(g.shape());
            return new Tensor[] {Indexing.scatterAdd(Tensor.zeros(inShape), d, spread, g)};
        }, x);
    }

    /**
     * Rows of {@code weight [V, D]} for every id (INT64 of any shape), giving {@code [...ids, D]}.
     * dweight[v] = Σ of the output gradients of the positions whose id is v.
     */
    public static Variable embedding(Variable weight, Tensor ids) {
        int[] weightShape = weight.shape();
        return Node.record("embedding", Indexing.embedding(weight.data(), ids), new Tensor[] {ids}, g -> {
            int rows = ids.numel();
            int width = weightShape[1];
            Tensor index = ids.reshape(rows, 1).expand(rows, width);
            return new Tensor[] {Indexing.scatterAdd(Tensor.zeros(weightShape), 0, index, g.reshape(rows, width))};
        }, weight);
    }
}
