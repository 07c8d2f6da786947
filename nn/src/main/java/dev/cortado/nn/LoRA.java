package dev.cortado.nn;

import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Applies low-rank adapters to a model: every {@link Linear} whose module name matches one of the globs
 * (syntax as in {@link Module#freeze}) is replaced by a {@link LoRALinear} around it, and everything but
 * the {@code lora_A}/{@code lora_B} parameters is frozen.
 * <pre>{@code
 * List<String> wrapped = LoRA.apply(model, List.of("**.q_proj", "**.v_proj"), 8, 16f, 0.05f, seed);
 * ...train...
 * LoRA.merge(model);                                           // deploy: W ← W + B·A·α/r
 * plain.loadStateDict(LoRA.withoutAdapters(model.stateDict()), true);
 * }</pre>
 * The parent module must reach the replaced layer by name ({@code child(name)}, as Sequential, ModuleList
 * and the attention and transformer modules do) for the adapter to take part in its forward.
 */
public final class LoRA {
    private LoRA() {
    }

    /** Wraps the matching Linear layers; returns their names. Fails if no Linear matches. */
    public static List<String> apply(Module model, List<String> patterns, int rank, float alpha, float dropout,
                                     long seed) {
        List<Pattern> globs = patterns.stream().map(Module::globToPattern).toList();
        Map<String, Module> modules = model.namedModules();
        List<String> targets = new ArrayList<>();
        modules.forEach((name, module) -> {
            if (module instanceof Linear && globs.stream().anyMatch(g -> g.matcher(name).matches())) {
                targets.add(name);
            }
        });
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA.apply: no Linear layer of " + model.path() + " matches "
                    + patterns);
        }
        for (int i = 0; i < targets.size(); i++) {
            String name = targets.get(i);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("LoRA.apply: cannot replace the root module itself");
            }
            int dot = name.lastIndexOf('.');
            Module parent = modules.get(dot < 0 ? "" : name.substring(0, dot));
            Linear linear = (Linear) modules.get(name);
            parent.replaceModule(name.substring(dot + 1), new LoRALinear(linear, rank, alpha, dropout, Init.derive(seed, i)));
        }
        model.namedParameters().forEach((name, p) -> p.setRequiresGrad(isAdapterKey(name)));
        return List.copyOf(targets);
    }

    /** Merges every adapter of the model into its base weight. */
    public static void merge(Module model) {
        adapters(model).forEach(LoRALinear::merge);
    }

    /** Undoes {@link #merge} for every adapter of the model. */
    public static void unmerge(Module model) {
        adapters(model).forEach(LoRALinear::unmerge);
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

    private static List<LoRALinear> adapters(Module model) {
        return model.namedModules().values().stream().filter(m -> m instanceof LoRALinear)
                .map(m -> (LoRALinear) m).toList();
    }
}
