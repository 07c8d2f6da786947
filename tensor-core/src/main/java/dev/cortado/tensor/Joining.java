package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Joining tensors along a dim and splitting them back, with PyTorch's semantics. {@link #cat} and
 * {@link #stack} allocate their result once and copy each piece into its place; {@link #split} and
 * {@link #chunk} return views that share the input's storage and copy nothing.
 *
 * <pre>{@code
 * Tensor a = Tensor.zeros(2, 3), b = Tensor.ones(2, 5);
 * Tensor ab = Joining.cat(1, a, b);                      // [2, 8]
 * List<Tensor> parts = Joining.split(ab, new int[] {3, 5}, 1);  // views [2, 3] and [2, 5]
 * Tensor pair = Joining.stack(0, a, a);                 // [2, 2, 3]
 * }</pre>
 */
public final class Joining {
    private Joining() {
    }

    /** torch.cat: see {@link #cat(int, List)}. */
    public static Tensor cat(int dim, Tensor... tensors) {
        return cat(dim, Arrays.asList(tensors));
    }

    /**
     * torch.cat: the tensors one after another along {@code dim} (negative counts from the end). They
     * must share dtype and rank (≥ 1) and agree in every size except along dim, where the result's size
     * is the sum. Inputs may be any strided views.
     */
    public static Tensor cat(int dim, List<Tensor> tensors) {
        String op = "cat";
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException(op + ": expected at least one tensor");
        }
        Tensor first = tensors.get(0);
        if (first.dim() == 0) {
            throw new IllegalArgumentException(op + ": cannot concatenate scalars (tensor 0 has shape [])");
        }
        int d = Shapes.normalizeDim(op, dim, first.dim());
        int[] shape = first.shape();
        long total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException(op + ": tensor " + i + " is " + t.dtype() + " but tensor 0 is "
                        + first.dtype());
            }
            if (!sameSizesExcept(t.shape(), shape, d)) {
                throw new IllegalArgumentException(op + ": tensor " + i + " has shape " + Shapes.str(t.shape())
                        + " but tensor 0 has shape " + Shapes.str(shape) + "; sizes must match except in dim " + d);
            }
            total += t.size(d);
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": concatenated size " + total + " along dim " + d
                    + " is too large");
        }
        shape[d] = (int) total;
        Tensor out = Tensor.empty(first.dtype(), shape);
        int start = 0;
        for (Tensor t : tensors) {
            int length = t.size(d);
            if (length > 0) {
                Backends.current().copy(t, out.narrow(d, start, length));
            }
            start += length;
        }
        return out;
    }

    /** torch.stack: see {@link #stack(int, List)}. */
    public static Tensor stack(int dim, Tensor... tensors) {
        return stack(dim, Arrays.asList(tensors));
    }

    /**
     * torch.stack: tensors of one shape joined along a new dim inserted at {@code dim}, which may be
     * {@code rank} to append (negative counts from the end of the result's dims).
     */
    public static Tensor stack(int dim, List<Tensor> tensors) {
        String op = "stack";
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException(op + ": expected at least one tensor");
        }
        int[] shape = tensors.get(0).shape();
        int d = Shapes.normalizeDim(op, dim, shape.length + 1);
        List<Tensor> unsqueezed = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(op + ": tensor " + i + " has shape " + Shapes.str(t.shape())
                        + " but tensor 0 has shape " + Shapes.str(shape) + "; all must be equal");
            }
            unsqueezed.add(t.unsqueeze(d));
        }
        return cat(d, unsqueezed);
    }

    /**
     * torch.split: views of {@code splitSize} elements along {@code dim}; the last is smaller when the
     * size does not divide evenly. A dim of size 0 gives one empty view.
     */
    public static List<Tensor> split(Tensor x, int splitSize, int dim) {
        String op = "split";
        int d = requireDim(op, x, dim);
        int size = x.size(d);
        if (splitSize < 0 || (splitSize == 0 && size > 0)) {
            throw new IllegalArgumentException(op + ": splitSize must be positive, got " + splitSize
                    + " for size " + size + " of dim " + d + " of " + Shapes.str(x.shape()));
        }
        int pieces = size == 0 ? 1 : (size - 1) / splitSize + 1;   // ceil without overflow
        int[] sizes = new int[pieces];
        for (int i = 0; i < pieces; i++) {
            sizes[i] = Math.min(splitSize, size - i * splitSize);
        }
        return views(x, d, sizes);
    }

    /**
     * torch.split with explicit sizes: views of {@code sizes[i]} elements along {@code dim}, which must sum
     * to its size.
     */
    public static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        String op = "split";
        int d = requireDim(op, x, dim);
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Arrays.toString(sizes));
            }
            sum += s;
        }
        if (sum != x.size(d)) {
            throw new IllegalArgumentException(op + ": sizes " + Arrays.toString(sizes) + " sum to " + sum
                    + " but dim " + d + " of " + Shapes.str(x.shape()) + " has size " + x.size(d));
        }
        return views(x, d, sizes);
    }

    /**
     * torch.chunk: views of ceil(size / chunks) elements along {@code dim}, the last possibly smaller, so
     * there may be fewer than {@code chunks} of them (size 5 in 4 chunks gives sizes 2, 2, 1). A dim of
     * size 0 gives {@code chunks} empty views.
     */
    public static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        String op = "chunk";
        int d = requireDim(op, x, dim);
        if (chunks <= 0) {
            throw new IllegalArgumentException(op + ": chunks must be positive, got " + chunks);
        }
        int size = x.size(d);
        if (size == 0) {
            return views(x, d, new int[chunks]);
        }
        return split(x, (size - 1) / chunks + 1, d);
    }

    /** Consecutive narrow views of x along d with the given sizes (which sum to its size). */
    private static List<Tensor> views(Tensor x, int d, int[] sizes) {
        List<Tensor> result = new ArrayList<>(sizes.length);
        int start = 0;
        for (int length : sizes) {
            result.add(x.narrow(d, start, length));
            start += length;
        }
        return List.copyOf(result);
    }

    private static int requireDim(String op, Tensor x, int dim) {
        if (x.dim() == 0) {
            throw new IllegalArgumentException(op + ": expected a tensor with at least 1 dim, got a scalar");
        }
        return Shapes.normalizeDim(op, dim, x.dim());
    }

    private static boolean sameSizesExcept(int[] a, int[] b, int dim) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (i != dim && a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
