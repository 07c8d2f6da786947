package dev.cortado.nn.transformer;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.GELU;
import dev.cortado.nn.Init;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Module;
import dev.cortado.nn.Sequential;
import dev.cortado.nn.attention.MultiHeadAttention;
import dev.cortado.nn.attention.MultiHeadAttention.Masks;
import dev.cortado.tensor.Tensor;

/**
 * Flamingo's gated cross-attention block (Alayrac et al. 2022), inserted between frozen language-model
 * layers so that text tokens x {@code [B, T, dim]} can attend to media features {@code [B, M, mediaDim]}:
 * <pre>
 *   x ← x + tanh(α_attn) · CrossAttn(LN(x), media)
 *   x ← x + tanh(α_ff)   · FF(LN(x)),      FF = Linear(dim, mult·dim) → GELU → Linear(mult·dim, dim)
 * </pre>
 * Both gates are scalar parameters (shape {@code [1]}) initialised to 0, so the block starts as the identity
 * and the frozen model's behaviour is untouched; d out/d α = sech²(α)·branch is the branch itself at α = 0,
 * so the gates learn from the first step (the branch parameters only once a gate has moved).
 * Keys: {@code attn_norm.*}, {@code cross_attn.*} (PyTorch MultiheadAttention layout with kdim = vdim =
 * mediaDim), {@code attn_gate}, {@code ff_norm.*}, {@code ff.0.*}, {@code ff.2.*}, {@code ff_gate}.
 */
public class GatedCrossAttentionBlock extends Module {
    private final int dim;
    private final LayerNorm attnNorm;
    private final MultiHeadAttention crossAttn;
    private final Variable attnGate;
    private final LayerNorm ffNorm;
    private final Sequential ff;
    private final Variable ffGate;

    public GatedCrossAttentionBlock(int dim, int mediaDim, int heads, int ffMult, long seed) {
        if (ffMult < 1) {
            throw new IllegalArgumentException("GatedCrossAttentionBlock: ff_mult must be positive, got " + ffMult);
        }
        this.dim = dim;
        attnNorm = registerModule("attn_norm", new LayerNorm(dim));
        crossAttn = registerModule("cross_attn", new MultiHeadAttention.Builder(dim, heads).kdim(mediaDim)
                .vdim(mediaDim).build(Init.derive(seed, 0)));
        attnGate = registerParameter("attn_gate", Tensor.zeros(1));
        ffNorm = registerModule("ff_norm", new LayerNorm(dim));
        ff = registerModule("ff", new Sequential(new Linear(dim, ffMult * dim, Init.derive(seed, 1)), new GELU(),
                new Linear(ffMult * dim, dim, Init.derive(seed, 2))));
        ffGate = registerParameter("ff_gate", Tensor.zeros(1));
    }

    public Variable forward(Variable x, Variable media) {
        return forward(x, media, null);
    }

    /** {@code mediaPadding}: BOOL {@code [B, M]}, true for media positions to ignore (or null). */
    public Variable forward(Variable x, Variable media, Tensor mediaPadding) {
        checkInput("text", x, -1, -1, dim);
        Variable attended = crossAttn.forward(attnNorm.forward(x), media, media, Masks.keyPadding(mediaPadding));
        Variable h = MathOps.add(x, MathOps.mul(MathOps.tanh(attnGate), attended));
        return MathOps.add(h, MathOps.mul(MathOps.tanh(ffGate), ff.forward(ffNorm.forward(h))));
    }

    public Variable attnGate() {
        return attnGate;
    }

    public Variable ffGate() {
        return ffGate;
    }
}
