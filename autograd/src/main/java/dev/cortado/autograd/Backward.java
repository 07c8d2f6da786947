package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;

/**
 * The local backward of one recorded op: given the gradient of the loss with respect to the op's output,
 * return the gradient with respect to each input, in the order the inputs were recorded ({@code null}
 * where an input needs none). Returned gradients must have exactly their input's shape; they may be views
 * of {@code gradOutput} (the engine never writes into them).
 */
@FunctionalInterface
public interface Backward {
    Tensor[] apply(Tensor gradOutput);
}
