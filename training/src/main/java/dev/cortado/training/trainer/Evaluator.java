package dev.cortado.training.trainer;

import dev.cortado.nn.Module;

import java.util.Map;

/**
 * Computes validation metrics (name → value, e.g. {@code "accuracy" → 0.91}). The trainer calls it with the
 * model in evaluation mode inside a no-grad scope and puts the model back in training mode afterwards.
 */
@FunctionalInterface
public interface Evaluator {
    Map<String, Double> evaluate(Module model);
}
