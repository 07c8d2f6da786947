package dev.cortado.nn.transformer;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.Init;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.attention.MultiHeadAttention;
import dev.cortado.nn.attention.MultiHeadAttention.Masks;

/**
 * A transformer decoder layer, as torch.nn.TransformerDecoderLayer with {@code batch_first=True}: target
 * x {@code [B, Lt, dModel]} and encoder memory {@code [B, Ls, dModel]} → {@code [B, Lt, dModel]}. Post-norm:
 * x = norm1(x + SA(x)); x = norm2(x + CA(x, memory)); x = norm3(x + FF(x)); pre-norm applies each norm to
 * the branch input instead (x = x + SA(norm1(x)), …). SA is self-attention (causal in
 * {@link #forward(Variable, Variable)}), CA attends from x to the memory.
 * Keys: {@code self_attn.*}, {@code multihead_attn.*}, {@code linear1.*}, {@code linear2.*},
 * {@code norm1.*}, {@code norm2.*}, {@code norm3.*}.
 */
public class TransformerDecoderLayer extends TransformerLayer {
    private final MultiHeadAttention selfAttn;
    private final MultiHeadAttention crossAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    public TransformerDecoderLayer(LayerConfig config, long seed) {
        super(config);
        int d = config.dModel();
        selfAttn = registerModule("self_attn", new MultiHeadAttention.Builder(d, config.nHead())
                .dropout(config.dropout()).build(Init.derive(seed, 0)));
        crossAttn = registerModule("multihead_attn", new MultiHeadAttention.Builder(d, config.nHead())
                .dropout(config.dropout()).build(Init.derive(seed, 1)));
        linear1 = registerModule("linear1", new Linear(d, config.dimFeedforward(), Init.derive(seed, 2)));
        dropout = registerModule("dropout", new Dropout(config.dropout(), Init.derive(seed, 3)));
        linear2 = registerModule("linear2", new Linear(config.dimFeedforward(), d, Init.derive(seed, 4)));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {d}, config.eps(), true));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {d}, config.eps(), true));
        norm3 = registerModule("norm3", new LayerNorm(new int[] {d}, config.eps(), true));
        dropout1 = registerModule("dropout1", new Dropout(config.dropout(), Init.derive(seed, 5)));
        dropout2 = registerModule("dropout2", new Dropout(config.dropout(), Init.derive(seed, 6)));
        dropout3 = registerModule("dropout3", new Dropout(config.dropout(), Init.derive(seed, 7)));
    }

    /** Causal self-attention over {@code target}, unmasked cross-attention over {@code memory}. */
    public Variable forward(Variable target, Variable memory) {
        checkModelInput("target", target);   // before target.size(1) sizes the causal mask
        return forward(target, memory, Masks.causal(target.size(1)), Masks.NONE);
    }

    /** With explicit masks: {@code targetMasks} for the self-attention, {@code memoryMasks} for the cross-attention. */
    public Variable forward(Variable target, Variable memory, Masks targetMasks, Masks memoryMasks) {
        checkModelInput("target", target);
        checkInput("memory", memory, target.size(0), -1, config.dModel());
        Variable h = sublayer(target, norm1, dropout1, y -> selfAttn.forward(y, y, y, targetMasks));
        h = sublayer(h, norm2, dropout2, y -> crossAttn.forward(y, memory, memory, memoryMasks));
        return sublayer(h, norm3, dropout3, y -> feedForward(y, linear1, dropout, linear2));
    }
}
