package dev.cortado.nn;

import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Low-rank adapters over a whole model: every {@link Linear} whose module name matches one of the globs
 * (syntax as in {@link Module#freeze}) gets an adapter ({@link Linear#enableLoRA}, see {@link LoRAAdapter}),
 * and everything but the {@code lora_A}/{@code lora_B} parameters is frozen. The layers stay where they
 * are, so every module that calls them runs the adapters.
 * <pre>{@code
 * List<String> adapted = LoRA.apply(model, List.of("**.q_proj", "**.v_proj"), 8, 16f, 0.05f, seed);
 * ...train...
 * LoRA.merge(model);                                           // deploy: W ← W + B·A·α/r
 * plain.loadStateDict(LoRA.withoutAdapters(model.stateDict()), true);
 * }</pre>
 */
public final class LoRA {
    private LoRA() {
    }

    /** Enables adapters on the matching Linear layers; returns their names. Fails if no Linear matches. */
    public static List<String> apply(Module model, List<String> patterns, int rank, float alpha, float dropout,
                                     long seed) {
        List<Pattern> globs = patterns.stream().map(Module::globToPattern).toList();
        Map<String, Linear> targets = new LinkedHashMap<>();
        model.namedModules().forEach((name, module) -> {
            if (module instanceof Linear linear && globs.stream().anyMatch(g -> g.matcher(name).matches())) {
                targets.put(name, linear);
            }
        });
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA.apply: no Linear layer of " + model.path() + " matches "
                    + patterns);
        }
        int i = 0;
        for (Linear linear : targets.values()) {
            linear.enableLoRA(rank, alpha, dropout, Init.derive(seed, i++));
        }
        model.namedParameters().forEach((name, p) -> p.setRequiresGrad(isAdapterKey(name)));
        return List.copyOf(targets.keySet());
    }

    /** Merges every adapter of the model into its layer's weight. */
    public static void merge(Module model) {
        adapters(model).forEach(LoRAAdapter::merge);
    }

    /** Undoes {@link #merge} for every adapter of the model, exactly. */
    public static void unmerge(Module model) {
        adapters(model).forEach(LoRAAdapter::unmerge);
    }

    /**
     * Removes every adapter ({@link Linear#removeLoRA}): after {@link #merge}, the model is the plain one
     * with the adapted weights. Returns the names of the layers that had one.
     */
    public static List<String> remove(Module model) {
        List<String> names = new ArrayList<>();
        model.namedModules().forEach((name, module) -> {
            if (module instanceof Linear linear && linear.lora() != null) {
                linear.removeLoRA();
                names.add(name);
            }
        });
        return names;
    }

    /** The state dict without the {@code lora_A}/{@code lora_B} entries: after a merge, the plain model's weights. */
    public static Map<String, Tensor> withoutAdapters(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>(state);
        out.keySet().removeIf(LoRA::isAdapterKey);
        return out;
    }

    private static boolean isAdapterKey(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        return last.equals("lora_A") || last.equals("lora_B");
    }

    private static List<LoRAAdapter> adapters(Module model) {
        return model.namedModules().values().stream()
                .filter(m -> m instanceof Linear linear && linear.lora() != null)
                .map(m -> ((Linear) m).lora()).toList();
    }
}
