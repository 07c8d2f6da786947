package dev.cortado.training.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The loss of every optimiser step and every evaluation's metrics; saved with checkpoints so a resumed run keeps it. */
public final class TrainingHistory {
    public record StepLoss(long step, double loss) {
    }

    public record Evaluation(int epoch, long step, Map<String, Double> metrics) {
    }

    private final List<StepLoss> losses = new ArrayList<>();
    private final List<Evaluation> evaluations = new ArrayList<>();

    public List<StepLoss> losses() {
        return Collections.unmodifiableList(losses);
    }

    public List<Evaluation> evaluations() {
        return Collections.unmodifiableList(evaluations);
    }

    void addStep(long step, double loss) {
        losses.add(new StepLoss(step, loss));
    }

    void addEvaluation(Evaluation evaluation) {
        evaluations.add(evaluation);
    }

    /** {"losses": [[step, loss], ...], "evaluations": [{"epoch", "step", "metrics": {...}}, ...]} */
    ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        var lossArray = root.putArray("losses");
        losses.forEach(s -> lossArray.addArray().add(s.step()).add(s.loss()));
        var evalArray = root.putArray("evaluations");
        for (Evaluation e : evaluations) {
            ObjectNode node = evalArray.addObject().put("epoch", e.epoch()).put("step", e.step());
            ObjectNode metrics = node.putObject("metrics");
            e.metrics().forEach(metrics::put);
        }
        return root;
    }

    void loadJson(JsonNode root) {
        losses.clear();
        evaluations.clear();
        root.path("losses").forEach(pair -> addStep(pair.get(0).asLong(), pair.get(1).asDouble()));
        root.path("evaluations").forEach(node -> {
            Map<String, Double> metrics = new LinkedHashMap<>();
            node.path("metrics").fields().forEachRemaining(f -> metrics.put(f.getKey(), f.getValue().asDouble()));
            addEvaluation(new Evaluation(node.path("epoch").asInt(), node.path("step").asLong(), Map.copyOf(metrics)));
        });
    }
}
