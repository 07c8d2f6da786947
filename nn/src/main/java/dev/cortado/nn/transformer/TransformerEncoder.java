package dev.cortado.nn.transformer;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Init;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.ModuleList;
import dev.cortado.nn.attention.MultiHeadAttention.Masks;

/**
 * A stack of {@link TransformerEncoderLayer}s, as torch.nn.TransformerEncoder: {@code [B, L, dModel]} → same
 * shape, layer after layer, then an optional final LayerNorm (usual with pre-norm layers). Keys
 * {@code layers.N.*} and, with the final norm, {@code norm.weight}, {@code norm.bias}.
 */
public class TransformerEncoder extends dev.cortado.nn.Module {
    private final ModuleList<TransformerEncoderLayer> layers;
    private final LayerNorm norm;

    public TransformerEncoder(LayerConfig config, int numLayers, boolean finalNorm, long seed) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("TransformerEncoder: num_layers must be positive, got " + numLayers);
        }
        layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) {
            layers.add(new TransformerEncoderLayer(config, Init.derive(seed, i)));
        }
        norm = finalNorm ? registerModule("norm", new LayerNorm(new int[] {config.dModel()}, config.eps(), true)) : null;
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, Masks.NONE);
    }

    /** The same masks for every layer's self-attention. */
    public Variable forward(Variable x, Masks masks) {
        Variable h = x;
        for (TransformerEncoderLayer layer : layers) {
            h = layer.forward(h, masks);
        }
        return norm == null ? h : norm.forward(h);
    }

    public ModuleList<TransformerEncoderLayer> layers() {
        return layers;
    }
}
