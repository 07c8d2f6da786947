package dev.cortado.nn.transformer;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Module;

import java.util.function.UnaryOperator;

/**
 * What encoder and decoder layers share: residual sub-layers in either norm order and the feed-forward
 * block {@code linear2(dropout(activation(linear1(x))))}. Subclasses register the children (in PyTorch's
 * order, so printouts and state dicts list them alike); these helpers reach them by name, so an adapter
 * that replaces a Linear (LoRA) takes effect.
 */
abstract class TransformerLayer extends Module {
    protected final LayerConfig config;

    protected TransformerLayer(LayerConfig config) {
        this.config = config;
    }

    /**
     * One residual sub-layer: pre-norm x + dropout(f(norm(x))), post-norm norm(x + dropout(f(x))), with the
     * children named {@code norm} and {@code dropout}.
     */
    protected final Variable sublayer(Variable x, String norm, String dropout, UnaryOperator<Variable> f) {
        if (config.normFirst()) {
            return MathOps.add(x, child(dropout).forward(f.apply(child(norm).forward(x))));
        }
        return child(norm).forward(MathOps.add(x, child(dropout).forward(f.apply(x))));
    }

    /** linear2(dropout(activation(linear1(x)))). */
    protected final Variable feedForward(Variable x) {
        Variable hidden = config.activation().apply(child("linear1").forward(x));
        return child("linear2").forward(child("dropout").forward(hidden));
    }

    protected final void checkModelInput(String what, Variable x) {
        checkInput(what, x, -1, -1, config.dModel());
    }

    public final LayerConfig config() {
        return config;
    }

    @Override
    protected String extraRepr() {
        return "norm_first=" + config.normFirst() + ", activation=" + config.activation().name().toLowerCase();
    }
}
