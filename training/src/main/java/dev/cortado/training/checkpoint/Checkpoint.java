package dev.cortado.training.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.tensor.Tensor;

import java.util.Map;

/**
 * The contents of one checkpoint directory: the model's state dict (PyTorch keys), the training components'
 * state tensors ({@code "<component>/<key>"}: optimiser moments, EWC Fisher, …) and the JSON trainer state
 * (position, RNG state, best metric, each component's small state, the model's parameter shapes).
 */
public record Checkpoint(Map<String, Tensor> weights, Map<String, Tensor> stateTensors, ObjectNode trainerState) {
    /** Files of a checkpoint directory. */
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String STATE_TENSORS_FILE = "state.safetensors";
    public static final String TRAINER_STATE_FILE = "trainer.json";
}
