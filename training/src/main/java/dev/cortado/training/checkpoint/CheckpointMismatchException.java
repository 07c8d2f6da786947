package dev.cortado.training.checkpoint;

import java.util.List;

/**
 * A checkpoint that does not fit the model or the training components it is loaded into; nothing was
 * changed. Lists every problem: keys the model has and the checkpoint lacks, keys only the checkpoint has,
 * and shape mismatches ({@code "name: model [..] vs checkpoint [..]"}).
 */
public final class CheckpointMismatchException extends IllegalArgumentException {
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> shapeMismatches;

    public CheckpointMismatchException(String source, List<String> missing, List<String> unexpected,
                                       List<String> shapeMismatches) {
        super("checkpoint " + source + " does not fit the model, nothing was changed: missing " + missing
                + ", unexpected " + unexpected + ", shape mismatches " + shapeMismatches);
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.shapeMismatches = List.copyOf(shapeMismatches);
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> shapeMismatches() {
        return shapeMismatches;
    }
}
