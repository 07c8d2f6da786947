package dev.cortado.training.optim;

import dev.cortado.autograd.Variable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A named set of parameters that share a learning rate and a weight decay, as a PyTorch parameter group.
 * {@code baseLr} is what schedules scale (discriminative learning rates set it per group); {@code lr} is the
 * rate the next optimiser step uses. Parameters are keyed by their state-dict names, so optimiser state can be
 * saved and restored by name.
 */
public final class ParamGroup {
    private final String name;
    private final Map<String, Variable> parameters;
    private double baseLr;
    private double lr;
    private double weightDecay;

    public ParamGroup(String name, Map<String, Variable> parameters, double lr, double weightDecay) {
        if (!(lr >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("ParamGroup " + name + ": need lr >= 0 and weight decay >= 0, got lr=" + lr
                    + " weight_decay=" + weightDecay);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.baseLr = lr;
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    public String name() {
        return name;
    }

    /** Parameters by state-dict name, in registration order. */
    public Map<String, Variable> parameters() {
        return parameters;
    }

    public double baseLr() {
        return baseLr;
    }

    /** Sets the rate schedules scale, and the current rate with it. */
    public void setBaseLr(double baseLr) {
        if (!(baseLr >= 0)) {
            throw new IllegalArgumentException("ParamGroup " + name + ": base lr must be >= 0, got " + baseLr);
        }
        this.baseLr = baseLr;
        this.lr = baseLr;
    }

    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException("ParamGroup " + name + ": lr must be >= 0, got " + lr);
        }
        this.lr = lr;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public void setWeightDecay(double weightDecay) {
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("ParamGroup " + name + ": weight decay must be >= 0, got " + weightDecay);
        }
        this.weightDecay = weightDecay;
    }
}
