package dev.cortado.nn;

import dev.cortado.nn.attention.MultiHeadAttention;
import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Low-rank adapters over a whole model: every {@link Linear} whose module name matches one of the globs
 * (syntax as in {@link Module#freeze}) gets an adapter ({@link Linear#enableLoRA}, see {@link LoRAAdapter}),
 * and so does every matching PACKED {@link MultiHeadAttention}, on its input projection
 * {@code in_proj_weight [3E, E]} ({@link MultiHeadAttention#enableLoRA}); everything but the adapter parameters
 * ({@code lora_A}/{@code lora_B}, {@code in_proj_lora_A}/{@code in_proj_lora_B}) is frozen. The layers stay where
 * they are, so every module that calls them runs the adapters.
 * <pre>{@code
 * List<String> adapted = LoRA.apply(model, List.of("**.q_proj", "**.v_proj"), 8, 16f, 0.05f, seed);
 * LoRA.apply(vit, List.of("**.self_attn", "**.self_attn.out_proj"), 8, 16f, 0f, seed);   // q/k/v and out
 * ...train...
 * LoRA.merge(model);                                           // deploy: W ← W + B·A·α/r
 * plain.loadStateDict(LoRA.withoutAdapters(model.stateDict()), true);
 * }</pre>
 */
public final class LoRA {
    private static final Set<String> ADAPTER_KEYS =
            Set.of("lora_A", "lora_B", MultiHeadAttention.LORA_A, MultiHeadAttention.LORA_B);

    private LoRA() {
    }

    /**
     * Enables adapters on the matching Linear layers and MultiHeadAttention modules (in module order, the i-th
     * with seed {@code Init.derive(seed, i)}); returns their names. Fails if nothing matches, or if a matched
     * layer refuses its adapter (an attention without a packed {@code in_proj_weight}, see
     * {@link MultiHeadAttention#enableLoRA}); the model is then left as it was.
     */
    public static List<String> apply(Module model, List<String> patterns, int rank, float alpha, float dropout,
                                     long seed) {
        List<Pattern> globs = patterns.stream().map(Module::globToPattern).toList();
        Map<String, Module> targets = new LinkedHashMap<>();
        model.namedModules().forEach((name, module) -> {
            boolean adaptable = module instanceof Linear || module instanceof MultiHeadAttention;
            if (adaptable && globs.stream().anyMatch(g -> g.matcher(name).matches())) {
                targets.put(name, module);
            }
        });
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA.apply: no Linear layer or MultiHeadAttention of "
                    + model.path() + " matches " + patterns);
        }
        List<Module> enabled = new ArrayList<>();
        try {
            int i = 0;
            for (Module target : targets.values()) {
                long adapterSeed = Init.derive(seed, i++);
                if (target instanceof Linear linear) {
                    linear.enableLoRA(rank, alpha, dropout, adapterSeed);
                } else {
                    ((MultiHeadAttention) target).enableLoRA(rank, alpha, dropout, adapterSeed);
                }
                enabled.add(target);
            }
        } catch (RuntimeException e) {
            // All or nothing: drop the adapters this call already added.
            for (Module target : enabled) {
                if (target instanceof Linear linear) {
                    linear.removeLoRA();
                } else {
                    ((MultiHeadAttention) target).removeLoRA();
                }
            }
            throw e;
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
     * Removes every adapter ({@link Linear#removeLoRA}, {@link MultiHeadAttention#removeLoRA}): after
     * {@link #merge}, the model is the plain one with the adapted weights. Returns the names of the modules
     * that had one.
     */
    public static List<String> remove(Module model) {
        List<String> names = new ArrayList<>();
        model.namedModules().forEach((name, module) -> {
            if (module instanceof Linear linear && linear.lora() != null) {
                linear.removeLoRA();
                names.add(name);
            } else if (module instanceof MultiHeadAttention attention && attention.lora() != null) {
                attention.removeLoRA();
                names.add(name);
            }
        });
        return names;
    }

    /** The state dict without the adapter entries: after a merge, the plain model's weights. */
    public static Map<String, Tensor> withoutAdapters(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>(state);
        out.keySet().removeIf(LoRA::isAdapterKey);
        return out;
    }

    /**
     * Whether a parameter name is an adapter's: its last segment is {@code lora_A}, {@code lora_B} (Linear)
     * or {@code in_proj_lora_A}, {@code in_proj_lora_B} (MultiHeadAttention).
     */
    public static boolean isAdapterKey(String name) {
        return ADAPTER_KEYS.contains(name.substring(name.lastIndexOf('.') + 1));
    }

    private static List<LoRAAdapter> adapters(Module model) {
        return model.namedModules().values().stream().map(LoRA::adapterOf).filter(Objects::nonNull).toList();
    }

    private static LoRAAdapter adapterOf(Module module) {
        if (module instanceof Linear linear) {
            return linear.lora();
        }
        return module instanceof MultiHeadAttention attention ? attention.lora() : null;
    }
}
