package dev.cortado.nn.transformer;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Module;

import java.util.function.UnaryOperator;

/**
 * What encoder and decoder layers share: residual sub-layers in either norm order and the feed-forward
 * block {@code linear2(dropout(activation(linear1(x))))}. Subclasses register and hold the children (in
 * PyTorch's order, so printouts and state dicts list them alike) and pass them to these helpers.
 */
abstract class TransformerLayer extends Module {
    protected final LayerConfig config;

    protected TransformerLayer(LayerConfig config) {
        this.config = config;
    }

    /**
     * One residual sub-layer: pre-norm x + dropout(f(norm(x))), post-norm norm(x + dropout(f(x))).
     */
    protected final Variable sublayer(Variable x, LayerNorm norm, Dropout dropout, UnaryOperator<Variable> f) {
        if (config.normFirst()) {
            return MathOps.add(x, dropout.forward(f.apply(norm.forward(x))));
        }
        return norm.forward(MathOps.add(x, dropout.forward(f.apply(x))));
    }

    /** linear2(dropout(activation(linear1(x)))). */
    protected final Variable feedForward(Variable x, Linear linear1, Dropout dropout, Linear linear2) {
        return linear2.forward(dropout.forward(config.activation().apply(linear1.forward(x))));
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
