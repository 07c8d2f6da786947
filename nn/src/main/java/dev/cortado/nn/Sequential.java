package dev.cortado.nn;

import dev.cortado.autograd.Variable;

/**
 * Modules applied in order, registered as children "0", "1", … (as torch.nn.Sequential). Steps are read
 * from the registered children on every call, so a step replaced by an adapter (LoRA) takes effect.
 */
public class Sequential extends Module {
    public Sequential(Module... modules) {
        for (Module module : modules) {
            add(module);
        }
    }

    /** Appends a module under the next index. */
    public final Sequential add(Module module) {
        registerModule(String.valueOf(size()), module);
        return this;
    }

    public final Module get(int index) {
        return child(String.valueOf(index));
    }

    public final int size() {
        return children().size();
    }

    @Override
    public Variable forward(Variable x) {
        Variable out = x;
        for (Module step : children().values()) {
            out = step.forward(out);
        }
        return out;
    }
}
