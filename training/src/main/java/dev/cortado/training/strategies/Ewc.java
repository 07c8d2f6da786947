package dev.cortado.training.strategies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Module;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.checkpoint.Checkpointable;
import dev.cortado.training.trainer.LossPenalty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Elastic Weight Consolidation (Kirkpatrick et al. 2017): after a task, each parameter is tied to its value
 * θ* there with a stiffness given by the diagonal Fisher F of that task ({@link FisherEstimator}), so later
 * tasks move mainly the weights the old ones did not need. The penalty the trainer adds to the loss is
 * <pre>
 *   plain EWC:   Ω(θ) = λ/2 · Σ_t Σᵢ F_{t,i} · (θᵢ − θ*_{t,i})²      one (F_t, θ*_t) per finished task t
 *   online EWC:  Ω(θ) = λ/2 · Σᵢ Fᵢ · (θᵢ − θ*ᵢ)²,   F ← γ·F + F_new,  θ* ← θ after the latest task
 * </pre>
 * (online EWC: Schwarz et al. 2018, "Progress &amp; Compress"). Ω is built from autograd ops, so its gradient
 * ∂Ω/∂θᵢ = λ · Σ_t F_{t,i} · (θᵢ − θ*_{t,i}) reaches the parameters with the loss's. Parameters are looked up by
 * state-dict name on every call, so the Fisher's names must stay parameters of the model.
 *
 * <p>Checkpoint state: tensors {@code task<t>.fisher.<param>} and {@code task<t>.anchor.<param>}, and JSON
 * {@code {"mode", "lambda", "gamma", "tasks", "consolidated"}} (γ is 1 in plain mode; tasks = stored pairs;
 * consolidated = finished tasks, which online mode folds into one pair).
 * <pre>{@code
 * Ewc ewc = Ewc.online(model, 1000, 0.9);
 * for (Dataset task : tasks) {
 *     train(model, task, ewc);                              // the trainer adds ewc.penalty() to each loss
 *     ewc.consolidate(FisherEstimator.empirical(model, task, 200, seed, perSampleLoss));
 * }
 * }</pre>
 */
public final class Ewc implements LossPenalty, Checkpointable {
    /** One (F, θ*) per finished task, or one decayed running pair. */
    public enum Mode { PLAIN, ONLINE }

    private static final Pattern KEY = Pattern.compile("task(\\d+)\\.(fisher|anchor)\\.(.+)");

    private record Task(Map<String, Tensor> fisher, Map<String, Tensor> anchors) {
    }

    private final Module model;
    private final Mode mode;
    private final double lambda;
    private final double gamma;
    private final List<Task> tasks = new ArrayList<>();
    private int consolidated;

    private Ewc(Module model, Mode mode, double lambda, double gamma) {
        if (!(lambda >= 0) || Double.isInfinite(lambda) || !(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("Ewc: need finite lambda >= 0 and 0 <= gamma <= 1, got lambda=" + lambda
                    + " gamma=" + gamma);
        }
        this.model = Objects.requireNonNull(model, "model");
        this.mode = mode;
        this.lambda = lambda;
        this.gamma = gamma;
    }

    /** Plain EWC: the penalties of all finished tasks, summed. */
    public static Ewc plain(Module model, double lambda) {
        return new Ewc(model, Mode.PLAIN, lambda, 1);
    }

    /** Online EWC: one running Fisher decayed by {@code gamma} at each new task, anchored at the latest task. */
    public static Ewc online(Module model, double lambda, double gamma) {
        return new Ewc(model, Mode.ONLINE, lambda, gamma);
    }

    public Mode mode() {
        return mode;
    }

    /** Number of tasks consolidated so far. */
    public int tasksConsolidated() {
        return consolidated;
    }

    /**
     * Ends a task: anchors θ* = copies of the current values of the Fisher's parameters. Plain mode stores
     * (F, θ*) beside the earlier tasks; online mode sets F ← γ·F_old + F (a parameter missing from one side
     * counts as 0 there) and replaces the anchors by the current values of all of F's parameters.
     */
    public void consolidate(Map<String, Tensor> fisher) {
        if (fisher.isEmpty()) {
            throw new IllegalArgumentException("Ewc.consolidate: empty Fisher map");
        }
        Map<String, Variable> parameters = model.namedParameters();
        List<String> problems = new ArrayList<>();
        fisher.forEach((name, f) -> checkAgainstModel(parameters, "Fisher", name, f, problems));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Ewc.consolidate: " + String.join("; ", problems));
        }
        Map<String, Tensor> merged = new LinkedHashMap<>();
        if (mode == Mode.ONLINE && !tasks.isEmpty()) {
            tasks.get(0).fisher().forEach((name, old) -> merged.put(name, Elementwise.mul(old, (float) gamma)));
            fisher.forEach((name, f) -> merged.merge(name, f, Elementwise::add));
            tasks.clear();
        } else {
            merged.putAll(fisher);
        }
        Map<String, Tensor> anchors = new LinkedHashMap<>();
        merged.keySet().forEach(name -> anchors.put(name, parameters.get(name).data().copy()));
        tasks.add(new Task(merged, anchors));
        consolidated++;
    }

    /** Ω(θ) as a scalar variable (a constant 0 before the first consolidation). */
    @Override
    public Variable penalty() {
        Map<String, Variable> parameters = model.namedParameters();
        Variable total = null;
        for (Task task : tasks) {
            for (Map.Entry<String, Tensor> entry : task.fisher().entrySet()) {
                Variable theta = parameters.get(entry.getKey());
                if (theta == null) {
                    throw new IllegalStateException("Ewc.penalty: parameter '" + entry.getKey() + "' of the Fisher is no"
                            + " longer in " + model.path());
                }
                Variable diff = MathOps.sub(theta, Variable.constant(task.anchors().get(entry.getKey())));
                Variable term = ReductionOps.sum(MathOps.mul(MathOps.mul(diff, diff), Variable.constant(entry.getValue())));
                total = total == null ? term : MathOps.add(total, term);
            }
        }
        return total == null ? Variable.constant(Tensor.scalar(0f)) : MathOps.mul(total, (float) (lambda / 2));
    }

    @Override
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            String prefix = "task" + t + ".";
            tasks.get(t).fisher().forEach((name, f) -> out.put(prefix + "fisher." + name, f));
            tasks.get(t).anchors().forEach((name, a) -> out.put(prefix + "anchor." + name, a));
        }
        return out;
    }

    @Override
    public ObjectNode stateJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("mode", mode.name().toLowerCase());
        json.put("lambda", lambda);
        json.put("gamma", gamma);
        json.put("tasks", tasks.size());
        json.put("consolidated", consolidated);
        return json;
    }

    /**
     * Restores the Fisher and anchors. The checkpoint's mode, λ and γ must equal this instance's, every
     * task must have the same parameter names in its Fisher and its anchors, each a parameter of the model
     * with its shape; otherwise it throws with every problem found and changes nothing.
     */
    @Override
    public void loadState(Map<String, Tensor> tensors, JsonNode json) {
        List<String> problems = new ArrayList<>();
        String savedMode = json.path("mode").asText("");
        if (!savedMode.equals(mode.name().toLowerCase())) {
            problems.add("mode '" + savedMode + "' in the checkpoint, '" + mode.name().toLowerCase() + "' here");
        }
        if (json.path("lambda").asDouble(Double.NaN) != lambda || json.path("gamma").asDouble(Double.NaN) != gamma) {
            problems.add("checkpoint has lambda=" + json.path("lambda") + " gamma=" + json.path("gamma") + ", this Ewc lambda="
                    + lambda + " gamma=" + gamma);
        }
        int count = json.path("tasks").asInt(-1);
        int finished = json.path("consolidated").asInt(-1);
        if (count < 0 || finished < count || (mode == Mode.ONLINE && count > 1)) {
            problems.add("invalid task counts tasks=" + json.path("tasks") + " consolidated=" + json.path("consolidated"));
            count = 0;
        }
        List<Task> loaded = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            loaded.add(new Task(new LinkedHashMap<>(), new LinkedHashMap<>()));
        }
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            Matcher m = KEY.matcher(entry.getKey());
            int t = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (t < 0 || t >= count) {
                problems.add("unexpected tensor " + entry.getKey());
            } else {
                Task task = loaded.get(t);
                (m.group(2).equals("fisher") ? task.fisher() : task.anchors()).put(m.group(3), entry.getValue());
            }
        }
        Map<String, Variable> parameters = model.namedParameters();
        for (int t = 0; t < loaded.size(); t++) {
            Task task = loaded.get(t);
            if (task.fisher().isEmpty() || !task.fisher().keySet().equals(task.anchors().keySet())) {
                problems.add("task " + t + ": Fisher names " + task.fisher().keySet() + " and anchor names "
                        + task.anchors().keySet() + " differ or are empty");
            }
            int at = t;
            task.fisher().forEach((name, f) -> checkAgainstModel(parameters, "task " + at + " Fisher", name, f, problems));
            task.anchors().forEach((name, a) -> checkAgainstModel(parameters, "task " + at + " anchor", name, a, problems));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Ewc.loadState changed nothing: " + String.join("; ", problems));
        }
        tasks.clear();
        tasks.addAll(loaded);
        consolidated = finished;
    }

    private void checkAgainstModel(Map<String, Variable> parameters, String what, String name, Tensor value,
                                   List<String> problems) {
        Variable parameter = parameters.get(name);
        if (parameter == null) {
            problems.add(what + " names '" + name + "', which is not a parameter of " + model.path());
        } else if (!Arrays.equals(parameter.shape(), value.shape())) {
            problems.add(what + " of '" + name + "' has shape " + Arrays.toString(value.shape()) + ", the parameter "
                    + Arrays.toString(parameter.shape()));
        }
    }
}
