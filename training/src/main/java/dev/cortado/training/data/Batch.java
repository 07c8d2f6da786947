package dev.cortado.training.data;

import dev.cortado.tensor.Tensor;

/**
 * A mini-batch: inputs stacked to [B, …], labels as INT64 [B], and the dataset indices they came from.
 */
public record Batch(Tensor inputs, Tensor labels, int[] indices) {
    public int size() {
        return indices.length;
    }
}
