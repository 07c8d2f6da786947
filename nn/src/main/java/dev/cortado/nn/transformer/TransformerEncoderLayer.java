package dev.cortado.nn.transformer;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.Init;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.attention.MultiHeadAttention;
import dev.cortado.nn.attention.MultiHeadAttention.Masks;

/**
 * A transformer encoder layer, as torch.nn.TransformerEncoderLayer with {@code batch_first=True}: x
 * {@code [B, L, dModel]} → same shape. Post-norm (PyTorch's default):
 * x = norm1(x + SA(x)); x = norm2(x + FF(x)). Pre-norm ({@code normFirst}):
 * x = x + SA(norm1(x)); x = x + FF(norm2(x)), where SA is multi-head self-attention and
 * FF = linear2(dropout(act(linear1(·)))), each branch followed by dropout1 / dropout2.
 * Keys: {@code self_attn.in_proj_weight}, {@code self_attn.in_proj_bias}, {@code self_attn.out_proj.*},
 * {@code linear1.*}, {@code linear2.*}, {@code norm1.*}, {@code norm2.*}.
 */
public class TransformerEncoderLayer extends TransformerLayer {
    public TransformerEncoderLayer(LayerConfig config, long seed) {
        super(config);
        int d = config.dModel();
        registerModule("self_attn", new MultiHeadAttention.Builder(d, config.nHead()).dropout(config.dropout())
                .build(Init.derive(seed, 0)));
        registerModule("linear1", new Linear(d, config.dimFeedforward(), Init.derive(seed, 1)));
        registerModule("dropout", new Dropout(config.dropout(), Init.derive(seed, 2)));
        registerModule("linear2", new Linear(config.dimFeedforward(), d, Init.derive(seed, 3)));
        registerModule("norm1", new LayerNorm(new int[] {d}, config.eps(), true));
        registerModule("norm2", new LayerNorm(new int[] {d}, config.eps(), true));
        registerModule("dropout1", new Dropout(config.dropout(), Init.derive(seed, 4)));
        registerModule("dropout2", new Dropout(config.dropout(), Init.derive(seed, 5)));
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, Masks.NONE);
    }

    /** With a source mask and/or key-padding mask for the self-attention. */
    public Variable forward(Variable x, Masks masks) {
        checkModelInput("input", x);
        MultiHeadAttention attn = (MultiHeadAttention) child("self_attn");
        Variable h = sublayer(x, "norm1", "dropout1", y -> attn.forward(y, y, y, masks));
        return sublayer(h, "norm2", "dropout2", this::feedForward);
    }
}
