package dev.cortado.nn;

import dev.cortado.autograd.Variable;

import java.util.ArrayList;
import java.util.List;

/** Modules applied in order, registered as children "0", "1", … (as torch.nn.Sequential). */
public class Sequential extends Module {
    private final List<Module> steps = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module module : modules) {
            add(module);
        }
    }

    /** Appends a module under the next index. */
    public final Sequential add(Module module) {
        steps.add(registerModule(String.valueOf(steps.size()), module));
        return this;
    }

    public final Module get(int index) {
        return steps.get(index);
    }

    public final int size() {
        return steps.size();
    }

    @Override
    public Variable forward(Variable x) {
        Variable out = x;
        for (Module step : steps) {
            out = step.forward(out);
        }
        return out;
    }
}
