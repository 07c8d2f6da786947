package dev.cortado.nn;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A layer or model: named parameters, buffers and child modules, registered explicitly in the constructor
 * so that their dotted names form PyTorch-compatible state-dict keys ({@code encoder.layers.0.self_attn.in_proj_weight}).
 *
 * <pre>{@code
 * final class Mlp extends Module {
 *     private final Linear fc1 = registerModule("fc1", new Linear(64, 256, seed));
 *     private final Linear fc2 = registerModule("fc2", new Linear(256, 64, seed + 1));
 *     public Variable forward(Variable x) { return fc2.forward(MathOps.gelu(fc1.forward(x))); }
 * }
 * }</pre>
 *
 * <p>Name globs (for {@link #freeze}/{@link #unfreeze}): {@code *} matches within one dotted segment,
 * {@code **} across segments, {@code ?} one character; a pattern that matches a module's name selects all
 * parameters below it ({@code "visual"} or {@code "encoder.layers.*.attn"}).
 */
public abstract class Module {
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Variable> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private Module parent;
    private String nameInParent = "";
    private boolean training = true;

    // ------------------------------------------------------------ registration

    /** Registers a child under {@code name}; returns it so a field can be initialised in one line. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkName(name, children);
        Module node = child;
        if (node.parent != null) {
            throw new IllegalArgumentException(path() + ": module " + node.getClass().getSimpleName()
                    + " is already registered as " + node.path() + "; a module has one parent");
        }
        node.parent = this;
        node.nameInParent = name;
        children.put(name, node);
        return child;
    }

    /**
     * Puts {@code replacement} where the child {@code name} was (same name, same position, so the state-dict
     * keys keep their names and order) and detaches the old child. Protected because the module's own field
     * must follow: a subclass offers a typed setter that calls this and assigns the result to its field
     * ({@code head = replaceModule("head", newHead)}).
     */
    protected final <M extends Module> M replaceModule(String name, M replacement) {
        Module old = children.get(name);
        if (old == null) {
            throw new IllegalArgumentException(path() + ": no child module '" + name + "' to replace");
        }
        Module node = replacement;
        if (node.parent != null) {
            throw new IllegalArgumentException(path() + ": module " + node.getClass().getSimpleName()
                    + " is already registered as " + node.path() + "; a module has one parent");
        }
        old.parent = null;
        old.nameInParent = "";
        node.parent = this;
        node.nameInParent = name;
        children.put(name, node);   // an existing key keeps its place in the LinkedHashMap
        return replacement;
    }

    /**
     * Removes the parameter, buffer or child module registered as {@code name} (a child is detached). For
     * optional parts that come and go with the module's own state, such as a Linear's LoRA adapter; never
     * for something a field of the module still uses.
     */
    protected final void unregister(String name) {
        Module child = children.remove(name);
        if (child != null) {
            child.parent = null;
            child.nameInParent = "";
        } else if (parameters.remove(name) == null && buffers.remove(name) == null) {
            throw new IllegalArgumentException(path() + ": nothing registered as '" + name + "'");
        }
    }

    /** Registers a trainable parameter initialised with {@code value}. */
    protected final Variable registerParameter(String name, Tensor value) {
        checkName(name, parameters);
        Variable parameter = Variable.parameter(value);
        parameters.put(name, parameter);
        return parameter;
    }

    /** Registers a buffer: state saved in the state dict but not trained (e.g. BatchNorm's running mean). */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkName(name, buffers);
        buffers.put(name, value);
        return value;
    }

    private void checkName(String name, Map<String, ?> kind) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(path() + ": invalid name '" + name + "' (non-empty, no dots)");
        }
        if (children.containsKey(name) || parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException(path() + ": name '" + name + "' is already registered");
        }
    }

    // ------------------------------------------------------------ identity

    /**
     * The dotted path from the root module ({@code visual.encoder.layers.3.attn}); the root's path is its
     * class name, so messages always name something.
     */
    public final String path() {
        if (parent == null) {
            return getClass().getSimpleName();
        }
        String up = parent.parent == null ? "" : parent.path() + ".";
        return up + nameInParent;
    }

    /** Runs a single-input module. Modules with several inputs define their own {@code forward(...)}. */
    public Variable forward(Variable input) {
        throw new UnsupportedOperationException(path() + " (" + getClass().getSimpleName()
                + ") does not take a single input; call its own forward(...)");
    }

    /**
     * Fails with the module path and both shapes unless {@code x} has {@code expected.length} dims equal to
     * {@code expected}, where -1 matches any size.
     */
    protected final void checkInput(String what, Variable x, int... expected) {
        int[] actual = x.shape();
        boolean ok = actual.length == expected.length;
        for (int d = 0; ok && d < expected.length; d++) {
            ok = expected[d] == -1 || expected[d] == actual[d];
        }
        if (!ok) {
            StringBuilder want = new StringBuilder("[");
            for (int d = 0; d < expected.length; d++) {
                want.append(d > 0 ? ", " : "").append(expected[d] == -1 ? "*" : String.valueOf(expected[d]));
            }
            throw new IllegalArgumentException(path() + " (" + getClass().getSimpleName() + "): expected " + what
                    + " of shape " + want + "] but got " + Arrays.toString(actual));
        }
    }

    // ------------------------------------------------------------ traversal

    /** Direct children in registration order. */
    public final Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** Every module below and including this one, keyed by dotted name ("" for this one). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        visit("", (prefix, module) -> out.put(prefix, module));
        return out;
    }

    /** Every parameter below this module by dotted name, in registration order. */
    public final Map<String, Variable> namedParameters() {
        Map<String, Variable> out = new LinkedHashMap<>();
        visit("", (prefix, module) -> module.parameters.forEach((name, p) -> out.put(join(prefix, name), p)));
        return out;
    }

    public final List<Variable> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters that currently require a gradient. */
    public final List<Variable> trainableParameters() {
        return namedParameters().values().stream().filter(Variable::requiresGrad).toList();
    }

    /** Every buffer below this module by dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (prefix, module) -> module.buffers.forEach((name, b) -> out.put(join(prefix, name), b)));
        return out;
    }

    private interface Visitor {
        void visit(String prefix, Module module);
    }

    /** Pre-order walk, iterative so deep nesting cannot overflow the stack. */
    private void visit(String rootPrefix, Visitor visitor) {
        record Item(String prefix, Module module) {
        }
        ArrayList<Item> stack = new ArrayList<>();
        stack.add(new Item(rootPrefix, this));
        while (!stack.isEmpty()) {
            Item item = stack.remove(stack.size() - 1);
            visitor.visit(item.prefix, item.module);
            List<Map.Entry<String, Module>> kids = new ArrayList<>(item.module.children.entrySet());
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.add(new Item(join(item.prefix, kids.get(i).getKey()), kids.get(i).getValue()));
            }
        }
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ------------------------------------------------------------ modes

    /** Training mode (dropout active, batch norm uses batch statistics) for this module and all below. */
    public final Module train() {
        return train(true);
    }

    public final Module train(boolean on) {
        visit("", (prefix, module) -> module.training = on);
        return this;
    }

    /** Evaluation mode for this module and all below. */
    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    // ------------------------------------------------------------ freezing and counting

    /** Stops gradients for every parameter matching the glob; returns how many parameters it touched. */
    public final int freeze(String glob) {
        return setRequiresGrad(glob, false);
    }

    /** Re-enables gradients for every parameter matching the glob; returns how many it touched. */
    public final int unfreeze(String glob) {
        return setRequiresGrad(glob, true);
    }

    private int setRequiresGrad(String glob, boolean on) {
        Pattern pattern = globToPattern(glob);
        int[] count = {0};
        namedParameters().forEach((name, p) -> {
            if (matchesNameOrPrefix(pattern, name)) {
                p.setRequiresGrad(on);
                if (!on) {
                    p.zeroGrad();
                }
                count[0]++;
            }
        });
        return count[0];
    }

    /** Whether the glob matches {@code name} or one of its dotted prefixes (a module containing it). */
    public static boolean matchesNameOrPrefix(Pattern glob, String name) {
        for (int end = name.indexOf('.'); end >= 0; end = name.indexOf('.', end + 1)) {
            if (glob.matcher(name.substring(0, end)).matches()) {
                return true;
            }
        }
        return glob.matcher(name).matches();
    }

    /**
     * {@code **} → any characters (and {@code **.} also zero segments, so {@code **.bias} matches a
     * top-level {@code bias}), {@code *} → any within a segment, {@code ?} → one character.
     */
    public static Pattern globToPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (glob.startsWith("**.", i)) {
                regex.append("(?:.*\\.)?");
                i += 2;
            } else if (glob.startsWith("**", i)) {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^.]*");
            } else if (c == '?') {
                regex.append("[^.]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** Total number of parameter elements. */
    public final long parameterCount() {
        return namedParameters().values().stream().mapToLong(p -> p.data().numel()).sum();
    }

    /** Number of parameter elements that require a gradient. */
    public final long trainableParameterCount() {
        return trainableParameters().stream().mapToLong(p -> p.data().numel()).sum();
    }

    /** Clears every parameter's gradient. */
    public final void zeroGrad() {
        namedParameters().values().forEach(Variable::zeroGrad);
    }

    // ------------------------------------------------------------ state dict

    /** Parameters and buffers by dotted name, as {@code torch.nn.Module.state_dict()} (tensors are shared, not copied). */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (prefix, module) -> {
            module.parameters.forEach((name, p) -> out.put(join(prefix, name), p.data()));
            module.buffers.forEach((name, b) -> out.put(join(prefix, name), b));
        });
        return out;
    }

    /**
     * What {@link #loadStateDict} found: keys the model has but the map lacks, keys the map has but the
     * model lacks, and keys whose shapes differ ({@code "name: model [..] vs given [..]"}).
     */
    public record LoadReport(List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
        public boolean clean() {
            return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty();
        }

        @Override
        public String toString() {
            return "missing " + missing + ", unexpected " + unexpected + ", shape mismatches " + shapeMismatches;
        }
    }

    /**
     * Copies values into the parameters and buffers by name. All or nothing: every key is checked first,
     * and if any shape differs, or ({@code strict}) any key is missing or unexpected, it throws with the
     * complete report and changes nothing. Non-strict loads skip missing and unexpected keys and return
     * the report. Values are converted to each target's dtype.
     */
    public final LoadReport loadStateDict(Map<String, Tensor> values, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        own.forEach((name, target) -> {
            Tensor given = values.get(name);
            if (given == null) {
                missing.add(name);
            } else if (!Arrays.equals(given.shape(), target.shape())) {
                mismatched.add(name + ": model " + Arrays.toString(target.shape()) + " vs given "
                        + Arrays.toString(given.shape()));
            }
        });
        values.keySet().stream().filter(name -> !own.containsKey(name)).forEach(unexpected::add);
        LoadReport report = new LoadReport(List.copyOf(missing), List.copyOf(unexpected), List.copyOf(mismatched));
        if (!mismatched.isEmpty() || (strict && !report.clean())) {
            throw new IllegalArgumentException(path() + ": loadStateDict changed nothing: " + report);
        }
        // Convert every value before writing any, so that a failing conversion also leaves the model unchanged.
        Map<Tensor, Tensor> writes = new LinkedHashMap<>();
        own.forEach((name, target) -> {
            Tensor given = values.get(name);
            if (given != null) {
                writes.put(target, given.dtype() == target.dtype() ? given : given.to(target.dtype()));
            }
        });
        writes.forEach(Tensor::copyFrom);
        return report;
    }

    // ------------------------------------------------------------ printing

    /** Extra text inside this module's parentheses in {@link #toString()} (e.g. {@code in=64, out=10}). */
    protected String extraRepr() {
        return "";
    }

    /**
     * A tree like PyTorch's module printout: {@code Name(extra)} for a leaf; otherwise the extra text and
     * then {@code (name): child} each on its own line, indented two spaces per level.
     */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        String extra = extraRepr();
        if (!extra.isEmpty()) {
            lines.addAll(Arrays.asList(extra.split("\n")));
        }
        children.forEach((name, child) -> lines.add("(" + name + "): " + child.toString().replace("\n", "\n  ")));
        String name = getClass().getSimpleName();
        if (lines.isEmpty()) {
            return name + "()";
        }
        if (children.isEmpty() && lines.size() == 1) {
            return name + "(" + lines.get(0) + ")";
        }
        return name + "(\n  " + String.join("\n  ", lines) + "\n)";
    }

    /** Applies {@code action} to this module and every module below it. */
    public final void apply(Consumer<Module> action) {
        visit("", (prefix, module) -> action.accept(module));
    }
}
