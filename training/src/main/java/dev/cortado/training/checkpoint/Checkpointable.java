package dev.cortado.training.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.tensor.Tensor;

import java.util.Map;

/**
 * A training component whose state goes into a checkpoint: large arrays as tensors (saved as safetensors,
 * keyed by names unique within the component) and small values as JSON. Loading validates everything before
 * changing anything.
 */
public interface Checkpointable {
    Map<String, Tensor> stateTensors();

    ObjectNode stateJson();

    /** Restores the state; throws IllegalArgumentException naming what is missing or mis-shaped. */
    void loadState(Map<String, Tensor> tensors, JsonNode json);
}
