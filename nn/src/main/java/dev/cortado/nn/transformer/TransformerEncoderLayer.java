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
    private final MultiHeadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    public TransformerEncoderLayer(LayerConfig config, long seed) {
        super(config);
        int d = config.dModel();
        selfAttn = registerModule("self_attn", new MultiHeadAttention.Builder(d, config.nHead())
                .dropout(config.dropout()).build(Init.derive(seed, 0)));
        linear1 = registerModule("linear1", new Linear(d, config.dimFeedforward(), Init.derive(seed, 1)));
        dropout = registerModule("dropout", new Dropout(config.dropout(), Init.derive(seed, 2)));
        linear2 = registerModule("linear2", new Linear(config.dimFeedforward(), d, Init.derive(seed, 3)));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {d}, config.eps(), true));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {d}, config.eps(), true));
        dropout1 = registerModule("dropout1", new Dropout(config.dropout(), Init.derive(seed, 4)));
        dropout2 = registerModule("dropout2", new Dropout(config.dropout(), Init.derive(seed, 5)));
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, Masks.NONE);
    }

    /** With a source mask and/or key-padding mask for the self-attention. */
    public Variable forward(Variable x, Masks masks) {
        checkModelInput("input", x);
        Variable h = sublayer(x, norm1, dropout1, y -> selfAttn.forward(y, y, y, masks));
        return sublayer(h, norm2, dropout2, y -> feedForward(y, linear1, dropout, linear2));
    }
}
