package dev.cortado.training.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.Module;
import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a model, its training components and the trainer's position into a {@link Checkpoint} and back.
 * The trainer-state JSON:
 * <pre>
 * {"format_version": 1,
 *  "trainer": {...},                          the trainer's own fields (position, best metric, history)
 *  "rng": {"dropout_draws": {path: n}},       masks drawn so far by each Dropout module (by module path)
 *  "components": {name: stateJson},           each Checkpointable's small state
 *  "model_shapes": {key: [dims]}}             the state dict's keys and shapes, for a readable mismatch report
 * </pre>
 * Component tensors are stored as {@code "<component>/<key>"}.
 */
public final class TrainingSnapshot {
    public static final int FORMAT_VERSION = 1;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TrainingSnapshot() {
    }

    public static Checkpoint capture(Module model, Map<String, ? extends Checkpointable> components,
                                     ObjectNode trainerFields) {
        ObjectNode root = NODES.objectNode();
        root.put("format_version", FORMAT_VERSION);
        root.set("trainer", trainerFields);
        ObjectNode draws = root.putObject("rng").putObject("dropout_draws");
        dropouts(model).forEach((path, dropout) -> draws.put(path, dropout.drawCount()));
        ObjectNode componentJson = root.putObject("components");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        components.forEach((name, component) -> {
            componentJson.set(name, component.stateJson());
            component.stateTensors().forEach((key, t) -> tensors.put(name + "/" + key, t));
        });
        Map<String, Tensor> weights = model.stateDict();
        ObjectNode shapes = root.putObject("model_shapes");
        weights.forEach((key, t) -> Arrays.stream(t.shape()).forEach(shapes.putArray(key)::add));
        return new Checkpoint(weights, tensors, root);
    }

    /**
     * Validates the checkpoint against the model, its Dropout modules and the components, then restores all
     * of them; returns the trainer's own fields. All or nothing: a mismatch in the model throws
     * {@link CheckpointMismatchException} before anything changes; a component that rejects its state
     * (its own validation) leaves the components already restored rolled back and the model untouched.
     *
     * @param source names the checkpoint in messages (its directory)
     */
    public static ObjectNode restore(Checkpoint checkpoint, String source, Module model,
                                     Map<String, ? extends Checkpointable> components) {
        ObjectNode root = checkpoint.trainerState();
        int version = root.path("format_version").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("checkpoint " + source + ": format version " + version
                    + " is not the supported " + FORMAT_VERSION);
        }
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Map<String, Tensor> own = model.stateDict();
        own.forEach((key, target) -> {
            Tensor given = checkpoint.weights().get(key);
            if (given == null) {
                missing.add(key);
            } else if (!Arrays.equals(given.shape(), target.shape())) {
                mismatched.add(key + ": model " + Arrays.toString(target.shape()) + " vs checkpoint "
                        + Arrays.toString(given.shape()));
            }
        });
        checkpoint.weights().keySet().stream().filter(k -> !own.containsKey(k)).forEach(unexpected::add);
        JsonNode draws = root.path("rng").path("dropout_draws");
        Map<String, Dropout> dropouts = dropouts(model);
        dropouts.keySet().stream().filter(path -> !draws.has(path)).forEach(p -> missing.add("dropout " + p));
        draws.fieldNames().forEachRemaining(p -> {
            if (!dropouts.containsKey(p)) {
                unexpected.add("dropout " + p);
            }
        });
        JsonNode componentJson = root.path("components");
        components.keySet().stream().filter(name -> !componentJson.has(name)).forEach(n -> missing.add("component " + n));
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new CheckpointMismatchException(source, missing, unexpected, mismatched);
        }

        restoreComponents(checkpoint, source, components);
        model.loadStateDict(checkpoint.weights(), true);
        dropouts.forEach((path, dropout) -> dropout.setDrawCount(draws.get(path).asLong()));
        JsonNode trainer = root.path("trainer");
        return trainer instanceof ObjectNode object ? object : NODES.objectNode();
    }

    /** Loads each component's state; if one rejects it, reloads the earlier ones' previous state and rethrows. */
    private static void restoreComponents(Checkpoint checkpoint, String source,
                                          Map<String, ? extends Checkpointable> components) {
        List<Map.Entry<String, ? extends Checkpointable>> done = new ArrayList<>();
        Map<String, Map<String, Tensor>> previousTensors = new LinkedHashMap<>();
        Map<String, JsonNode> previousJson = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends Checkpointable> entry : components.entrySet()) {
            String name = entry.getKey();
            Checkpointable component = entry.getValue();
            Map<String, Tensor> copies = new LinkedHashMap<>();
            component.stateTensors().forEach((key, t) -> copies.put(key, t.copy()));
            previousTensors.put(name, copies);
            previousJson.put(name, component.stateJson().deepCopy());
            try {
                component.loadState(tensorsOf(checkpoint, name), checkpoint.trainerState().path("components").get(name));
            } catch (IllegalArgumentException e) {
                for (Map.Entry<String, ? extends Checkpointable> earlier : done) {
                    earlier.getValue().loadState(previousTensors.get(earlier.getKey()), previousJson.get(earlier.getKey()));
                }
                throw new IllegalArgumentException("checkpoint " + source + ": component '" + name
                        + "' rejected its state, nothing was changed: " + e.getMessage(), e);
            }
            done.add(entry);
        }
    }

    private static Map<String, Tensor> tensorsOf(Checkpoint checkpoint, String component) {
        String prefix = component + "/";
        Map<String, Tensor> out = new LinkedHashMap<>();
        checkpoint.stateTensors().forEach((key, t) -> {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), t);
            }
        });
        return out;
    }

    /** Every Dropout module by its path in the model ("" for the model itself). */
    private static Map<String, Dropout> dropouts(Module model) {
        Map<String, Dropout> out = new LinkedHashMap<>();
        model.namedModules().forEach((path, module) -> {
            if (module instanceof Dropout dropout) {
                out.put(path, dropout);
            }
        });
        return out;
    }
}
