package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import java.util.Arrays;

/**
 * Ops that move values by index, with PyTorch's semantics: gather and scatter-add along a dim,
 * index_select and embedding lookup, one-hot encoding and top-k.
 *
 * <p>Index tensors are INT64 and every index value is checked before anything is written: a value outside
 * its range throws {@link IndexOutOfBoundsException} naming the op, the value and the size. Negative
 * indices are rejected, as PyTorch does for these ops. Bad dims, ranks, shapes and dtypes throw
 * {@link IllegalArgumentException} naming the shapes.
 *
 * <pre>{@code
 * Tensor weight = Tensor.randn(0, 1000, 64);                      // vocabulary of 1000, width 64
 * Tensor ids = Tensor.fromLongs(new long[] {3, 14, 15, 92}, 2, 2);
 * Tensor vectors = Indexing.embedding(weight, ids);                // [2, 2, 64]
 * Indexing.TopK best = Indexing.topk(logits, 5, -1, true, true);  // 5 largest per row, with their columns
 * }</pre>
 */
public final class Indexing {
    private Indexing() {
    }

    /** The k selected values along a dim and their INT64 positions along it. */
    public record TopK(Tensor values, Tensor indices) {
    }

    /**
     * torch.gather: {@code out[i][j][k] = x[index[i][j][k]][j][k]} for dim 0 (likewise for other dims).
     * index has x's rank and, outside {@code dim}, sizes no larger than x's; out has index's shape and
     * x's dtype (any dtype).
     */
    public static Tensor gather(Tensor x, int dim, Tensor index) {
        String op = "gather";
        requireIndexDType(op, index);
        int d = Shapes.normalizeDim(op, dim, x.dim());
        requireSameRank(op, "x", x, "index", index);
        Tensor x1 = atLeast1d(x);
        Tensor index1 = atLeast1d(index);
        requireFits(op, "index", index1, "x", x1, d);
        checkIndexValues(op, index1, "x", x1, d);
        Tensor out = Tensor.empty(x.dtype(), index.shape());
        Backends.current().gather(x1, d, index1, atLeast1d(out));
        return out;
    }

    /**
     * torch.index_select: {@code out[..., i, ...] = x[..., index[i], ...]} along {@code dim}. index is 1-D
     * (or a scalar, taken as one entry); out has x's shape with size {@code index.numel()} along dim.
     */
    public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        String op = "indexSelect";
        requireIndexDType(op, index);
        int d = Shapes.normalizeDim(op, dim, x.dim());
        if (index.dim() > 1) {
            throw new IllegalArgumentException(op + ": index must be 1-D, got shape " + Shapes.str(index.shape()));
        }
        if (x.dim() == 0 && index.numel() != 1) {
            throw new IllegalArgumentException(op + ": a scalar x takes exactly one index, got shape "
                    + Shapes.str(index.shape()));
        }
        Tensor x1 = atLeast1d(x);
        Tensor index1 = atLeast1d(index);
        checkIndexValues(op, index1, "x", x1, d);
        Tensor out = select(x1, d, index1);
        return x.dim() == 0 ? out.reshape() : out;
    }

    /**
     * Embedding lookup: row {@code ids[...]} of {@code weight [V, D]} for every id, giving
     * {@code [...ids.shape, D]}. ids is INT64 of any shape with values in [0, V).
     */
    public static Tensor embedding(Tensor weight, Tensor ids) {
        String op = "embedding";
        requireIndexDType(op, ids);
        if (weight.dim() != 2) {
            throw new IllegalArgumentException(op + ": weight must be 2-D [V, D], got shape "
                    + Shapes.str(weight.shape()));
        }
        Tensor flatIds = ids.reshape(ids.numel());
        checkIndexValues(op, flatIds, "weight", weight, 0);
        int[] idsShape = ids.shape();
        int[] outShape = Arrays.copyOf(idsShape, idsShape.length + 1);
        outShape[idsShape.length] = weight.size(1);
        return select(weight, 0, flatIds).view(outShape);
    }

    /**
     * torch.scatter_add, out of place: a copy of dst with {@code src} added at the positions index names
     * (see {@link #scatterAddInPlace}); dst is not modified.
     */
    public static Tensor scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        int d = validateScatterAdd("scatterAdd", dst, dim, index, src);
        Tensor out = dst.copy();
        Backends.current().scatterAdd(atLeast1d(out), d, atLeast1d(index), atLeast1d(src));
        return out;
    }

    /**
     * torch.scatter_add_: {@code dst[index[i][j][k]][j][k] += src[i][j][k]} for dim 0 (likewise for other
     * dims), for every position of index; repeated indices accumulate. dst and src are float32 of index's
     * rank; index is no larger than src in any dim and no larger than dst outside {@code dim}. Everything,
     * including every index value, is validated before dst is touched, so on error dst is unchanged.
     * dst may be a view but not a broadcast one (stride 0), whose elements alias each other.
     *
     * @return dst
     */
    public static Tensor scatterAddInPlace(Tensor dst, int dim, Tensor index, Tensor src) {
        String op = "scatterAddInPlace";
        int d = validateScatterAdd(op, dst, dim, index, src);
        dst.requireDistinctElements(op + ": dst");
        // Reading src while writing dst would see partial sums if they share storage.
        Tensor source = src.storage() == dst.storage() ? src.copy() : src;
        Backends.current().scatterAdd(atLeast1d(dst), d, atLeast1d(index), atLeast1d(source));
        dst.markModified();
        return dst;
    }

    /**
     * torch.nn.functional.one_hot: an INT64 tensor {@code [...indices.shape, numClasses]} with a 1 at each
     * index and 0 elsewhere. {@code numClasses = -1} uses {@code max(indices) + 1}.
     */
    public static Tensor oneHot(Tensor indices, int numClasses) {
        String op = "oneHot";
        requireIndexDType(op, indices);
        long[] values = distinctElements(indices).contiguous().longData();
        int classes = numClasses;
        if (numClasses == -1) {
            if (values.length == 0) {
                throw new IllegalArgumentException(op + ": cannot infer the number of classes of an empty tensor "
                        + Shapes.str(indices.shape()) + "; pass numClasses");
            }
            long largest = Arrays.stream(values).max().getAsLong();
            classes = (int) Math.max(0, Math.min(Integer.MAX_VALUE, largest + 1));
        } else if (numClasses < 0) {
            throw new IllegalArgumentException(op + ": numClasses must be -1 or non-negative, got " + numClasses);
        }
        for (long value : values) {
            if (value < 0 || value >= classes) {
                throw new IndexOutOfBoundsException(op + ": class " + value + " is out of range [0, " + classes
                        + ") for numClasses " + numClasses);
            }
        }
        // As PyTorch builds it: zeros, then a 1 scattered along the new last dim (float32 holds 0 and 1 exactly).
        int[] idsShape = indices.shape();
        int[] outShape = Arrays.copyOf(idsShape, idsShape.length + 1);
        outShape[idsShape.length] = classes;
        Tensor hot = Tensor.zeros(outShape);
        Tensor positions = indices.unsqueeze(idsShape.length);
        Tensor ones = Tensor.scalar(1f).expand(positions.shape());
        Backends.current().scatterAdd(hot, idsShape.length, positions, ones);
        return hot.to(DType.INT64);
    }

    /** The k largest entries along the last dim, sorted. */
    public static TopK topk(Tensor x, int k) {
        return topk(x, k, -1, true, true);
    }

    /**
     * torch.topk: the k largest ({@code largest}) or smallest float32 values along {@code dim} and their
     * positions; values and indices have x's shape with size k along dim. NaN ranks above every number
     * (so it is picked first when largest, last otherwise) and equal values keep the lower position
     * first. Results are always sorted best first; {@code sorted = false} leaves the order unspecified in
     * PyTorch and is accepted for compatibility. Along a dim other than the last, the results are views
     * (permutations of dense tensors).
     */
    public static TopK topk(Tensor x, int k, int dim, boolean largest, boolean sorted) {
        String op = "topk";
        x.requireDType(op, DType.FLOAT32);
        int d = Shapes.normalizeDim(op, dim, x.dim());
        Tensor x1 = atLeast1d(x);
        int n = x1.size(d);
        if (k < 0 || k > n) {
            throw new IllegalArgumentException(op + ": k = " + k + " is out of range [0, " + n + "] for dim " + d
                    + " of x " + Shapes.str(x.shape()));
        }
        int rank = x1.dim();
        int[] toLast = new int[rank];
        int[] fromLast = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != d) {
                toLast[j++] = i;
            }
        }
        toLast[rank - 1] = d;
        for (int i = 0; i < rank; i++) {
            fromLast[toLast[i]] = i;
        }
        Tensor permuted = x1.permute(toLast);
        Tensor moved = permuted.isContiguous() ? permuted : permuted.contiguous();
        int[] resultShape = moved.shape();
        int rows = Shapes.numel(Arrays.copyOf(resultShape, rank - 1));
        Tensor values = Tensor.empty(DType.FLOAT32, rows, k);
        Tensor indices = Tensor.empty(DType.INT64, rows, k);
        Backends.current().topk(moved.view(rows, n), k, largest, values, indices);
        resultShape[rank - 1] = k;
        if (x.dim() == 0 && k == 1) {
            return new TopK(values.reshape(), indices.reshape());
        }
        return new TopK(values.view(resultShape).permute(fromLast), indices.view(resultShape).permute(fromLast));
    }

    // ------------------------------------------------------------------ shared validation and dispatch

    /** index_select without validation: dense out of x's shape with index.numel() entries along d. */
    private static Tensor select(Tensor x, int d, Tensor index) {
        int[] shape = x.shape();
        shape[d] = index.numel();
        Tensor out = Tensor.empty(x.dtype(), shape);
        Backends.current().indexSelect(x, d, index, out);
        return out;
    }

    /** Checks scatter-add's dtypes, ranks, sizes and index values; returns the normalized dim. */
    private static int validateScatterAdd(String op, Tensor dst, int dim, Tensor index, Tensor src) {
        dst.requireDType(op + " dst", DType.FLOAT32);
        src.requireDType(op + " src", DType.FLOAT32);
        requireIndexDType(op, index);
        int d = Shapes.normalizeDim(op, dim, dst.dim());
        requireSameRank(op, "dst", dst, "index", index);
        requireSameRank(op, "src", src, "index", index);
        Tensor dst1 = atLeast1d(dst);
        Tensor index1 = atLeast1d(index);
        requireFits(op, "index", index1, "dst", dst1, d);
        requireFits(op, "index", index1, "src", atLeast1d(src), -1);
        checkIndexValues(op, index1, "dst", dst1, d);
        return d;
    }

    private static void requireIndexDType(String op, Tensor index) {
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": index must be INT64, got " + index.dtype() + " with shape "
                    + Shapes.str(index.shape()));
        }
    }

    private static void requireSameRank(String op, String aName, Tensor a, String bName, Tensor b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException(op + ": " + bName + " " + Shapes.str(b.shape())
                    + " must have the rank of " + aName + " " + Shapes.str(a.shape()) + " (" + b.dim() + " vs "
                    + a.dim() + " dims)");
        }
    }

    /** Fails unless {@code small} is no larger than {@code large} in every dim except {@code exceptDim}. */
    private static void requireFits(String op, String smallName, Tensor small, String largeName, Tensor large,
            int exceptDim) {
        for (int i = 0; i < small.dim(); i++) {
            if (i != exceptDim && small.size(i) > large.size(i)) {
                throw new IllegalArgumentException(op + ": " + smallName + " " + Shapes.str(small.shape())
                        + " is larger than " + largeName + " " + Shapes.str(large.shape()) + " in dim " + i
                        + (exceptDim >= 0 ? " (only dim " + exceptDim + " may be larger)" : ""));
            }
        }
    }

    /** Fails unless every value of index is a valid position along dim d of {@code target}. */
    private static void checkIndexValues(String op, Tensor index, String targetName, Tensor target, int d) {
        int size = target.size(d);
        for (long value : distinctElements(index).contiguous().longData()) {
            if (value < 0 || value >= size) {
                throw new IndexOutOfBoundsException(op + ": index " + value + " is out of range for size " + size
                        + " of dim " + d + " of " + targetName + " " + Shapes.str(target.shape()));
            }
        }
    }

    /** t with its broadcast (stride 0) dims narrowed to one entry: each stored element once, none copied. */
    private static Tensor distinctElements(Tensor t) {
        Tensor view = t;
        for (int d = 0; d < t.dim(); d++) {
            if (t.stride(d) == 0 && t.size(d) > 1) {
                view = view.narrow(d, 0, 1);
            }
        }
        return view;
    }

    /** Scalars as 1-D views of one element: kernels take rank ≥ 1. */
    private static Tensor atLeast1d(Tensor t) {
        return t.dim() == 0 ? t.unsqueeze(0) : t;
    }
}
