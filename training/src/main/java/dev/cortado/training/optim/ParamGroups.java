package dev.cortado.training.optim;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.BatchNorm2d;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Ways to split a model's parameters into {@link ParamGroup}s. Every split takes all parameters of the
 * module, frozen ones included: the optimisers skip a parameter while it has no gradient, so unfreezing it
 * later (gradual unfreezing) needs no new optimiser.
 *
 * <p><b>No-decay rule</b> ({@link #isNoDecay}), the default PyTorch users expect from Hugging Face and timm
 * recipes: a parameter gets no weight decay if it has fewer than 2 dimensions (biases, norm scales, scalars
 * such as a logit scale), if its own name is {@code bias}, or if it belongs to a normalisation layer
 * ({@link LayerNorm}, {@link BatchNorm2d}), whatever its shape. Everything else (weight matrices,
 * convolution kernels, embeddings, positional embeddings, LoRA factors) is decayed.
 * <pre>{@code
 * var adamw = new AdamW(ParamGroups.decaySplit(model, 1e-3, 0.05));
 * var sgd = new SGD(ParamGroups.byPatterns(model, List.of(
 *         new ParamGroups.Spec("head", List.of("head"), 1e-2, 1e-4),
 *         new ParamGroups.Spec("backbone", List.of("**"), 1e-3, 1e-4))), 0.9);
 * }</pre>
 */
public final class ParamGroups {
    /** Name of the group with weight decay in {@link #decaySplit}. */
    public static final String DECAY = "decay";
    /** Name of the group without weight decay in {@link #decaySplit}; suffix of such groups in {@link #byPatterns}. */
    public static final String NO_DECAY = "no_decay";

    private ParamGroups() {
    }

    /**
     * One group in {@link #byPatterns}: the parameters matched by any of {@code globs} (the glob syntax of
     * {@link Module#globToPattern}; a glob naming a module matches all parameters below it, as in
     * {@link Module#freeze}) with their own rate and weight decay.
     */
    public record Spec(String name, List<String> globs, double lr, double weightDecay) {
        public Spec {
            if (name == null || globs == null || globs.isEmpty()) {
                throw new IllegalArgumentException("ParamGroups.Spec: need a name and at least one glob, got name=" + name
                        + " globs=" + globs);
            }
            globs = List.copyOf(globs);
        }
    }

    /**
     * A single group "all" with every parameter of {@code model} (frozen ones included), as
     * {@code model.parameters()} in PyTorch.
     */
    public static List<ParamGroup> of(Module model, double lr, double weightDecay) {
        return List.of(new ParamGroup("all", model.namedParameters(), lr, weightDecay));
    }

    /** A single group "all" of loose parameters, named by their index ("0", "1", …) as PyTorch names them. */
    public static List<ParamGroup> of(List<Variable> parameters, double lr, double weightDecay) {
        Map<String, Variable> named = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            named.put(Integer.toString(i), parameters.get(i));
        }
        return List.of(new ParamGroup("all", named, lr, weightDecay));
    }

    /**
     * Two groups, {@value #DECAY} with {@code weightDecay} and {@value #NO_DECAY} with none, split by the
     * no-decay rule in the class comment. Both groups are always present (possibly empty), so the optimiser's
     * checkpoint layout does not depend on the model.
     */
    public static List<ParamGroup> decaySplit(Module model, double lr, double weightDecay) {
        Map<String, Variable> decay = new LinkedHashMap<>();
        Map<String, Variable> noDecay = new LinkedHashMap<>();
        Map<String, Module> modules = model.namedModules();
        model.namedParameters().forEach((name, p) -> (isNoDecay(modules, name, p) ? noDecay : decay).put(name, p));
        return List.of(new ParamGroup(DECAY, decay, lr, weightDecay), new ParamGroup(NO_DECAY, noDecay, lr, 0));
    }

    /**
     * Groups from name globs, for discriminative learning rates: each parameter goes to the first spec one of
     * whose globs matches it. Every parameter must be matched (end the list with a catch-all spec, glob
     * {@code "**"}, for "the rest"); a parameter no spec matches, a glob that matches no parameter at all
     * (a typo), or two specs with one name raise an error. A spec left empty because earlier specs took all
     * its parameters is kept as an empty group.
     *
     * @throws IllegalArgumentException listing the unmatched parameters and the globs that match nothing
     */
    public static List<ParamGroup> byPatterns(Module model, List<Spec> specs) {
        return byPatterns(model, specs, false);
    }

    /**
     * As {@link #byPatterns(Module, List)}; with {@code splitNoDecay} each spec gives two groups, its own name
     * with its weight decay and {@code "<name>.no_decay"} with none, by the no-decay rule in the class comment.
     */
    public static List<ParamGroup> byPatterns(Module model, List<Spec> specs, boolean splitNoDecay) {
        Map<String, Variable> parameters = model.namedParameters();
        Map<String, Module> modules = model.namedModules();
        List<String> problems = new ArrayList<>();
        Set<String> specNames = new LinkedHashSet<>();
        List<List<Pattern>> patterns = new ArrayList<>();
        for (Spec spec : specs) {
            if (!specNames.add(spec.name())) {
                problems.add("two specs are named " + spec.name());
            }
            List<Pattern> compiled = new ArrayList<>();
            for (String glob : spec.globs()) {
                Pattern pattern = Module.globToPattern(glob);
                if (parameters.keySet().stream().noneMatch(name -> Module.matchesNameOrPrefix(pattern, name))) {
                    problems.add("glob \"" + glob + "\" of spec " + spec.name() + " matches no parameter");
                }
                compiled.add(pattern);
            }
            patterns.add(compiled);
        }
        List<Map<String, Variable>> decay = new ArrayList<>();
        List<Map<String, Variable>> noDecay = new ArrayList<>();
        for (int s = 0; s < specs.size(); s++) {
            decay.add(new LinkedHashMap<>());
            noDecay.add(new LinkedHashMap<>());
        }
        List<String> unmatched = new ArrayList<>();
        parameters.forEach((name, p) -> {
            int s = firstMatch(patterns, name);
            if (s < 0) {
                unmatched.add(name);
            } else {
                (splitNoDecay && isNoDecay(modules, name, p) ? noDecay : decay).get(s).put(name, p);
            }
        });
        if (!unmatched.isEmpty()) {
            problems.add("no spec matches " + unmatched + " (add a catch-all spec with glob \"**\")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("ParamGroups.byPatterns: " + String.join("; ", problems));
        }
        List<ParamGroup> groups = new ArrayList<>();
        for (int s = 0; s < specs.size(); s++) {
            Spec spec = specs.get(s);
            groups.add(new ParamGroup(spec.name(), decay.get(s), spec.lr(), spec.weightDecay()));
            if (splitNoDecay) {
                groups.add(new ParamGroup(spec.name() + "." + NO_DECAY, noDecay.get(s), spec.lr(), 0));
            }
        }
        return groups;
    }

    /** Whether the no-decay rule in the class comment exempts parameter {@code name} of {@code model}. */
    public static boolean isNoDecay(Module model, String name) {
        Variable parameter = model.namedParameters().get(name);
        if (parameter == null) {
            throw new IllegalArgumentException("ParamGroups.isNoDecay: no parameter " + name + " in "
                    + model.getClass().getSimpleName());
        }
        return isNoDecay(model.namedModules(), name, parameter);
    }

    private static boolean isNoDecay(Map<String, Module> modules, String name, Variable parameter) {
        int dot = name.lastIndexOf('.');
        String owner = dot < 0 ? "" : name.substring(0, dot);
        String local = name.substring(dot + 1);
        Module module = modules.get(owner);
        return parameter.dim() < 2 || local.equals("bias") || module instanceof LayerNorm || module instanceof BatchNorm2d;
    }

    private static int firstMatch(List<List<Pattern>> patterns, String name) {
        for (int s = 0; s < patterns.size(); s++) {
            for (Pattern pattern : patterns.get(s)) {
                if (Module.matchesNameOrPrefix(pattern, name)) {
                    return s;
                }
            }
        }
        return -1;
    }
}
