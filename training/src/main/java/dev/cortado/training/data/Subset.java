package dev.cortado.training.data;

import java.util.Arrays;

/**
 * A view of some examples of another dataset: example {@code i} of the subset is example {@code indices[i]}
 * of {@code base} (indices may repeat and come in any order).
 */
public record Subset(Dataset base, int[] indices) implements Dataset {
    public Subset {
        indices = indices.clone();
        for (int i : indices) {
            if (i < 0 || i >= base.size()) {
                throw new IllegalArgumentException("Subset: index " + i + " outside [0, " + base.size() + ")");
            }
        }
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Example get(int index) {
        return base.get(indices[index]);
    }

    @Override
    public String toString() {
        return "Subset(" + indices.length + " of " + base + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Subset s && s.base.equals(base) && Arrays.equals(s.indices, indices);
    }

    @Override
    public int hashCode() {
        return 31 * base.hashCode() + Arrays.hashCode(indices);
    }
}
