package dev.cortado.training.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An optimiser whose update is elementwise: each parameter keeps a step count of its own and a fixed list of
 * named slots (dense float32 tensors shaped like the parameter: SGD's {@code momentum_buffer}, Adam's {@code exp_avg}
 * and {@code exp_avg_sq}), created at the parameter's first step with a gradient. Subclasses write only the
 * per-element update ({@link #update}); this class walks the groups, skips parameters without a gradient
 * (their state stays as it was) and keeps the checkpoint format.
 *
 * <p>As in PyTorch, each parameter counts its own steps, so a parameter unfrozen late starts Adam's bias
 * correction afresh, and a frozen parameter costs no optimiser memory until it first gets a gradient.
 *
 * <p>Checkpoint layout ({@link dev.cortado.training.checkpoint.Checkpointable}): tensors
 * {@code "<param name>.<slot>"} (e.g. {@code "vit.head.weight.exp_avg"}), copies taken when asked; JSON
 * <pre>
 *   {"step": optimiser steps, "param_steps": {param name: steps of that parameter, ...},
 *    "groups": [{"name", "lr", "base_lr", "weight_decay", "params": [param names]}, ...]}
 * </pre>
 * A parameter that never had a gradient has neither an entry in {@code param_steps} nor tensors.
 */
public abstract class SlotOptimizer extends Optimizer {
    private final List<String> slotNames;
    private final Map<String, Variable> parametersByName = new LinkedHashMap<>();
    private final Map<String, ParamState> states = new LinkedHashMap<>();
    private long stepCount;

    /**
     * One parameter's state: how many updates it has had and its slots, each shaped like the parameter. The slots
     * are tensors so that a device backend can keep them in its memory between steps.
     */
    private static final class ParamState {
        long step;
        final Tensor[] slots;

        ParamState(long step, Tensor[] slots) {
            this.step = step;
            this.slots = slots;
        }
    }

    /**
     * @param slotNames names of the per-parameter arrays (no dots: they end the checkpoint keys)
     * @throws IllegalArgumentException if a name or a parameter appears twice, or a parameter is not contiguous
     */
    protected SlotOptimizer(List<ParamGroup> groups, List<String> slotNames) {
        super(groups);
        this.slotNames = List.copyOf(slotNames);
        String component = getClass().getSimpleName();
        Map<Variable, String> seen = new IdentityHashMap<>();
        for (ParamGroup group : groups()) {
            group.parameters().forEach((name, parameter) -> {
                if (parametersByName.put(name, parameter) != null) {
                    throw new IllegalArgumentException(component + ": parameter name " + name + " appears in more than one group"
                            + " (group " + group.name() + ")");
                }
                String other = seen.put(parameter, name);
                if (other != null) {
                    throw new IllegalArgumentException(component + ": parameters " + other + " and " + name
                            + " are the same variable; it would be updated twice per step");
                }
                if (!parameter.data().isContiguous()) {
                    throw new IllegalArgumentException(component + ": parameter " + name + " is not contiguous (shape "
                            + Arrays.toString(parameter.shape()) + ", strides " + Arrays.toString(parameter.data().strides()) + ")");
                }
            });
        }
    }

    /**
     * Updates one parameter in place from its gradient and its slots (indexed from 0, in the order of the slot
     * names), and marks what it wrote modified ({@link Tensor#markModified()}, or a backend that does so).
     *
     * @param theta the parameter's values (contiguous)
     * @param grad the gradient, same shape, contiguous
     * @param slots dense tensors shaped like the parameter
     * @param step this parameter's step count, 1 at its first update
     */
    protected abstract void update(Tensor theta, Tensor grad, Tensor[] slots, long step, double lr, double weightDecay);

    @Override
    public final void step() {
        stepCount++;
        for (ParamGroup group : groups()) {
            double lr = group.lr();
            double weightDecay = group.weightDecay();
            for (Map.Entry<String, Variable> entry : group.parameters().entrySet()) {
                Variable parameter = entry.getValue();
                Tensor grad = parameter.grad();
                if (grad == null) {
                    continue;
                }
                Tensor data = parameter.data();
                ParamState state = states.get(entry.getKey());
                if (state == null) {
                    Tensor[] slots = new Tensor[slotNames.size()];
                    for (int s = 0; s < slots.length; s++) {
                        slots[s] = Tensor.zeros(data.shape());
                    }
                    state = new ParamState(0, slots);
                    states.put(entry.getKey(), state);
                }
                state.step++;
                update(data, grad.contiguous(), state.slots, state.step, lr, weightDecay);
            }
        }
    }

    /** How many times {@link #step()} ran (including steps that updated no parameter). */
    public final long stepCount() {
        return stepCount;
    }

    /** Copies of every slot of every parameter that has state, keyed {@code "<param name>.<slot>"}. */
    @Override
    public final Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        states.forEach((name, state) -> {
            for (int s = 0; s < slotNames.size(); s++) {
                out.put(name + "." + slotNames.get(s), state.slots[s].copy());
            }
        });
        return out;
    }

    @Override
    public final ObjectNode stateJson() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode out = json.objectNode();
        out.put("step", stepCount);
        ObjectNode paramSteps = out.putObject("param_steps");
        states.forEach((name, state) -> paramSteps.put(name, state.step));
        ArrayNode groupsJson = out.putArray("groups");
        for (ParamGroup group : groups()) {
            ObjectNode g = groupsJson.addObject();
            g.put("name", group.name());
            g.put("lr", group.lr());
            g.put("base_lr", group.baseLr());
            g.put("weight_decay", group.weightDecay());
            ArrayNode names = g.putArray("params");
            group.parameters().keySet().forEach(names::add);
        }
        return out;
    }

    /**
     * Replaces the whole state (parameters absent from {@code param_steps} lose theirs) after checking all of
     * it: the groups (names and parameter lists, in order), every state tensor's name, dtype and shape, no
     * tensor missing or unexpected.
     *
     * @throws IllegalArgumentException listing every problem; nothing has changed then
     */
    @Override
    public final void loadState(Map<String, Tensor> tensors, JsonNode json) {
        List<String> problems = new ArrayList<>();
        checkGroups(json.path("groups"), problems);
        JsonNode stepNode = json.path("step");
        if (!stepNode.canConvertToLong() || stepNode.asLong() < 0) {
            problems.add("\"step\" must be a count >= 0, got " + stepNode);
        }
        Map<String, Long> paramSteps = new LinkedHashMap<>();
        JsonNode stepsNode = json.path("param_steps");
        if (!stepsNode.isObject()) {
            problems.add("\"param_steps\" must be an object, got " + stepsNode);
        }
        Set<String> expectedKeys = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = stepsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            Variable parameter = parametersByName.get(name);
            if (parameter == null) {
                problems.add("state for unknown parameter " + name);
                continue;
            }
            if (!entry.getValue().canConvertToLong() || entry.getValue().asLong() < 1) {
                problems.add("param_steps." + name + " must be a count >= 1, got " + entry.getValue());
            }
            paramSteps.put(name, entry.getValue().asLong());
            for (String slot : slotNames) {
                String key = name + "." + slot;
                expectedKeys.add(key);
                Tensor tensor = tensors.get(key);
                if (tensor == null) {
                    problems.add("missing tensor " + key);
                } else if (tensor.dtype() != DType.FLOAT32 || !Arrays.equals(tensor.shape(), parameter.shape())) {
                    problems.add(key + ": expected " + DType.FLOAT32 + " " + Arrays.toString(parameter.shape()) + ", got "
                            + tensor.dtype() + " " + Arrays.toString(tensor.shape()));
                }
            }
        }
        for (String key : tensors.keySet()) {
            if (!expectedKeys.contains(key)) {
                problems.add("unexpected tensor " + key);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": cannot load optimiser state ("
                    + problems.size() + " problems): " + String.join("; ", problems));
        }
        states.clear();
        paramSteps.forEach((name, step) -> {
            Tensor[] slots = new Tensor[slotNames.size()];
            for (int s = 0; s < slots.length; s++) {
                slots[s] = tensors.get(name + "." + slotNames.get(s)).copy();
            }
            states.put(name, new ParamState(step, slots));
        });
        stepCount = stepNode.asLong();
        JsonNode groupsJson = json.get("groups");
        for (int i = 0; i < groups().size(); i++) {
            ParamGroup group = groups().get(i);
            JsonNode g = groupsJson.get(i);
            group.setBaseLr(g.get("base_lr").asDouble());
            group.setLr(g.get("lr").asDouble());
            group.setWeightDecay(g.get("weight_decay").asDouble());
        }
    }

    /** The saved groups must be ours: same names and parameter names in the same order, valid rates. */
    private void checkGroups(JsonNode groupsJson, List<String> problems) {
        if (!groupsJson.isArray() || groupsJson.size() != groups().size()) {
            problems.add("expected " + groups().size() + " parameter groups, got "
                    + (groupsJson.isArray() ? groupsJson.size() : groupsJson));
            return;
        }
        for (int i = 0; i < groups().size(); i++) {
            ParamGroup group = groups().get(i);
            JsonNode g = groupsJson.get(i);
            if (!group.name().equals(g.path("name").asText())) {
                problems.add("group " + i + " is named " + g.path("name") + ", expected " + group.name());
            }
            List<String> saved = new ArrayList<>();
            g.path("params").forEach(n -> saved.add(n.asText()));
            List<String> ours = List.copyOf(group.parameters().keySet());
            if (!saved.equals(ours)) {
                List<String> missing = new ArrayList<>(ours);
                missing.removeAll(saved);
                List<String> extra = new ArrayList<>(saved);
                extra.removeAll(ours);
                problems.add("group " + group.name() + " holds other parameters: missing " + missing + ", unexpected " + extra
                        + (missing.isEmpty() && extra.isEmpty() ? " (order differs)" : ""));
            }
            for (String field : List.of("lr", "base_lr", "weight_decay")) {
                if (!g.path(field).isNumber() || !(g.path(field).asDouble() >= 0)) {
                    problems.add("group " + group.name() + ": \"" + field + "\" must be a number >= 0, got " + g.path(field));
                }
            }
        }
    }
}
