package dev.cortado.autograd;

import dev.cortado.tensor.Joining;
import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Differentiable concatenation and splitting. */
public final class JoinOps {
    private JoinOps() {
    }

    /** Concatenation along {@code dim}; each input's gradient is its slice of g. */
    public static Variable cat(int dim, List<Variable> inputs) {
        Tensor[] data = inputs.stream().map(Variable::data).toArray(Tensor[]::new);
        Tensor out = Joining.cat(dim, data);
        int d = dim < 0 ? dim + out.dim() : dim;
        int[] sizes = inputs.stream().mapToInt(v -> v.size(d)).toArray();
        return Node.record("cat", out, new Tensor[0], g -> {
            Tensor[] grads = new Tensor[sizes.length];
            int start = 0;
            for (int i = 0; i < sizes.length; i++) {
                grads[i] = g.narrow(d, start, sizes[i]);
                start += sizes[i];
            }
            return grads;
        }, inputs.toArray(Variable[]::new));
    }

    /** Stacking along a new dim {@code dim}: unsqueeze each input, then concatenate. */
    public static Variable stack(int dim, List<Variable> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("stack: needs at least one tensor");
        }
        int d = dim < 0 ? dim + inputs.get(0).dim() + 1 : dim;
        List<Variable> expanded = inputs.stream().map(v -> ShapeOps.unsqueeze(v, d)).toList();
        return cat(d, expanded);
    }

    /** Pieces of {@code sizes} along {@code dim} (views; each piece's gradient lands in its slice). */
    public static List<Variable> split(Variable x, int[] sizes, int dim) {
        List<Tensor> pieces = Joining.split(x.data(), sizes, dim);   // validates sizes against the dim
        List<Variable> out = new ArrayList<>(pieces.size());
        int start = 0;
        for (int size : sizes) {
            out.add(ShapeOps.narrow(x, dim, start, size));
            start += size;
        }
        return out;
    }

    /** Pieces of {@code splitSize} along {@code dim} (the last may be smaller). */
    public static List<Variable> split(Variable x, int splitSize, int dim) {
        return split(x, sizesOf(Joining.split(x.data(), splitSize, dim), dim), dim);
    }

    /** {@code chunks} nearly equal pieces along {@code dim}, as torch.chunk. */
    public static List<Variable> chunk(Variable x, int chunks, int dim) {
        return split(x, sizesOf(Joining.chunk(x.data(), chunks, dim), dim), dim);
    }

    private static int[] sizesOf(List<Tensor> pieces, int dim) {
        return pieces.stream().mapToInt(t -> t.size(dim)).toArray();
    }
}
