package dev.cortado.training.strategies;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Module;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.data.Dataset;
import dev.cortado.training.data.Example;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The diagonal empirical Fisher information of a model on a task, for {@link Ewc}: with ℓₙ the loss of sample
 * n under its true label (for a classifier the cross-entropy −log p(yₙ | xₙ; θ)),
 * <pre>
 *   Fᵢ = (1/N) · Σₙ (∂ℓₙ/∂θᵢ)²
 * </pre>
 * over N samples drawn without replacement, for every parameter that requires a gradient (a parameter the
 * loss does not reach gets Fᵢ = 0). Each sample is its own backward pass, since the square of a batch gradient
 * is not the mean of the squares. The model's gradients are cleared before each sample and after the last,
 * so none are left behind; the model's train/eval mode is the caller's choice (eval for a dropout-free estimate).
 * <pre>{@code
 * vit.eval();
 * Map<String, Tensor> fisher = FisherEstimator.empirical(vit, taskData, 200, seed, ex -> Losses.crossEntropy(
 *         vit.forward(Variable.constant(ex.input().unsqueeze(0))), Tensor.fromLongs(new long[] {ex.label()}, 1)));
 * ewc.consolidate(fisher);
 * }</pre>
 */
public final class FisherEstimator {
    private FisherEstimator() {
    }

    /**
     * The Fisher of the trainable parameters by state-dict name, from {@code samples} examples of {@code data}
     * picked with {@code seed} (all of them when {@code samples == data.size()}); {@code loss} maps one example
     * to its scalar loss through the model.
     */
    public static Map<String, Tensor> empirical(Module model, Dataset data, int samples, long seed,
                                                Function<Example, Variable> loss) {
        if (samples < 1 || samples > data.size()) {
            throw new IllegalArgumentException("FisherEstimator: need 1 <= samples <= dataset size " + data.size()
                    + ", got " + samples);
        }
        Map<String, Variable> trainable = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) {
                trainable.put(name, p);
            }
        });
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("FisherEstimator: " + model.path() + " has no trainable parameter");
        }
        Map<String, Tensor> sumOfSquares = new LinkedHashMap<>();
        trainable.forEach((name, p) -> sumOfSquares.put(name, Tensor.zeros(p.shape())));
        for (int index : sampleIndices(data.size(), samples, seed)) {
            model.zeroGrad();
            loss.apply(data.get(index)).backward();
            trainable.forEach((name, p) -> {
                Tensor g = p.grad();
                if (g != null) {
                    sumOfSquares.put(name, Elementwise.add(sumOfSquares.get(name), Elementwise.mul(g, g)));
                }
            });
        }
        model.zeroGrad();
        Map<String, Tensor> fisher = new LinkedHashMap<>();
        sumOfSquares.forEach((name, s) -> fisher.put(name, Elementwise.div(s, samples)));
        return fisher;
    }

    /** The first {@code k} entries of a seeded Fisher–Yates shuffle of 0..n-1: k distinct indices. */
    private static int[] sampleIndices(int n, int k, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return java.util.Arrays.copyOf(order, k);
    }
}
