package dev.cortado.training.strategies;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A model's parameters cut into layer groups, given <b>top first</b> (the head as group 0, the input embedding
 * last), each as name globs with {@link Module#freeze}'s syntax ({@code *} within a segment, {@code **} across
 * segments, a module name selects everything below it). The unit of ULMFiT's gradual unfreezing
 * ({@link GradualUnfreezing}) and discriminative learning rates ({@link DiscriminativeLr}).
 *
 * <p>{@link #resolve} assigns every parameter to the first group with a matching glob, and fails when a
 * parameter matches no group, a glob matches no parameter or a group ends up empty (a typo would otherwise
 * freeze or drop weights silently).
 * <pre>{@code
 * LayerGroups groups = LayerGroups.of(List.of("head", "norm"), List.of("encoder.layers.1"),
 *         List.of("encoder.layers.0"), List.of("patch_embed", "class_token", "pos_embedding"));
 * LayerGroups same = LayerGroups.visionTransformer(2);
 * }</pre>
 */
public record LayerGroups(List<List<String>> globs) {
    public LayerGroups {
        if (globs.isEmpty() || globs.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("LayerGroups: need at least one group and at least one glob per group, got "
                    + globs);
        }
        globs = globs.stream().map(List::copyOf).toList();
    }

    @SafeVarargs
    public static LayerGroups of(List<String>... groups) {
        return new LayerGroups(List.of(groups));
    }

    /**
     * The groups of a {@link dev.cortado.nn.transformer.VisionTransformer} of {@code depth} encoder layers:
     * {@code [head, norm]}, then {@code encoder.layers.(depth-1)} down to {@code encoder.layers.0}, then the
     * embeddings {@code [patch_embed, class_token, pos_embedding]}: depth + 2 groups.
     */
    public static LayerGroups visionTransformer(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("LayerGroups.visionTransformer: depth must be positive, got " + depth);
        }
        List<List<String>> groups = new ArrayList<>();
        groups.add(List.of("head", "norm"));
        for (int layer = depth - 1; layer >= 0; layer--) {
            groups.add(List.of("encoder.layers." + layer));
        }
        groups.add(List.of("patch_embed", "class_token", "pos_embedding"));
        return new LayerGroups(groups);
    }

    public int size() {
        return globs.size();
    }

    /** The model's parameters by group (index 0 = top), each keyed by state-dict name in registration order. */
    public List<Map<String, Variable>> resolve(Module model) {
        List<List<Pattern>> patterns = globs.stream().map(g -> g.stream().map(Module::globToPattern).toList()).toList();
        List<Map<String, Variable>> groups = new ArrayList<>();
        for (int g = 0; g < globs.size(); g++) {
            groups.add(new LinkedHashMap<>());
        }
        boolean[][] used = new boolean[globs.size()][];
        for (int g = 0; g < globs.size(); g++) {
            used[g] = new boolean[globs.get(g).size()];
        }
        List<String> unmatched = new ArrayList<>();
        model.namedParameters().forEach((name, parameter) -> {
            int group = -1;
            for (int g = 0; g < patterns.size(); g++) {
                for (int i = 0; i < patterns.get(g).size(); i++) {
                    if (Module.matchesNameOrPrefix(patterns.get(g).get(i), name)) {
                        used[g][i] = true;
                        group = group < 0 ? g : group;
                    }
                }
            }
            if (group < 0) {
                unmatched.add(name);
            } else {
                groups.get(group).put(name, parameter);
            }
        });
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException("LayerGroups: parameters of " + model.path() + " in no layer group: "
                    + unmatched + " (groups " + globs + ")");
        }
        List<String> unused = new ArrayList<>();
        for (int g = 0; g < globs.size(); g++) {
            for (int i = 0; i < used[g].length; i++) {
                if (!used[g][i]) {
                    unused.add(globs.get(g).get(i));
                }
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("LayerGroups: globs matching no parameter of " + model.path() + ": "
                    + unused);
        }
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).isEmpty()) {
                throw new IllegalArgumentException("LayerGroups: group " + g + " " + globs.get(g)
                        + " gets no parameter of " + model.path() + " (an upper group takes all its matches)");
            }
        }
        return groups.stream().map(java.util.Collections::unmodifiableMap).toList();
    }
}
