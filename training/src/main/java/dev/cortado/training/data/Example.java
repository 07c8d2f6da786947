package dev.cortado.training.data;

import dev.cortado.tensor.Tensor;

/** One labelled sample: an input tensor (an image as [C, H, W]) and its class index. */
public record Example(Tensor input, long label) {
}
