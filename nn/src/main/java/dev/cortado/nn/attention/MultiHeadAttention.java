package dev.cortado.nn.attention;

import dev.cortado.autograd.JoinOps;
import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Init;
import dev.cortado.nn.Linear;
import dev.cortado.nn.LoRAAdapter;
import dev.cortado.nn.Module;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.Tensor;

/**
 * Multi-head attention, as torch.nn.MultiheadAttention with {@code batch_first=True}: query
 * {@code [B, Lq, E]}, key {@code [B, Lk, kdim]}, value {@code [B, Lk, vdim]} → {@code [B, Lq, E]}, with
 * Q = query·Wqᵀ + bq (likewise K, V), heads of width d = E/H, each softmax(QₕKₕᵀ/√d + mask)·Vₕ
 * ({@link Attention#attend}), the heads concatenated and projected by {@code out_proj}.
 * Self-attention passes the same sequence three times ({@link #forward(Variable)}); cross-attention passes
 * keys and values from another sequence of a different length and width.
 *
 * <p>Two parameter layouts, so that weights load one-to-one:
 * <ul>
 * <li>{@link Layout#PACKED} (PyTorch): {@code in_proj_weight [3E, E]} when kdim = vdim = E, otherwise
 * {@code q_proj_weight [E, E]}, {@code k_proj_weight [E, kdim]}, {@code v_proj_weight [E, vdim]}; then
 * {@code in_proj_bias [3E]}, {@code out_proj.weight}, {@code out_proj.bias}. Initialised as PyTorch does:
 * Xavier-uniform projection weights, zero biases, out_proj.weight Kaiming-uniform(a = √5).</li>
 * <li>{@link Layout#SEPARATE} (Hugging Face): Linear children {@code q_proj}, {@code k_proj}, {@code v_proj},
 * {@code out_proj} with Linear's default initialisation; LoRA can adapt them ({@link Linear#enableLoRA}).</li>
 * </ul>
 *
 * <p>LoRA on the packed projection ({@link #enableLoRA}): W_in {@code [3E, E]} gets one adapter,
 * {@value #LORA_A} {@code [r, E]} and {@value #LORA_B} {@code [3E, r]}, so Q, K and V share A and each has its
 * third of B; {@code out_proj} is a Linear and takes its own ({@link dev.cortado.nn.LoRA#apply} with
 * {@code "**.self_attn"} and {@code "**.self_attn.out_proj"} adapts both).
 * <pre>{@code
 * var attn = new MultiHeadAttention.Builder(128, 4).build(seed);
 * Variable y = attn.forward(x);                                                // self-attention
 * var cross = new MultiHeadAttention.Builder(128, 4).kdim(64).vdim(64).build(seed);
 * Variable z = cross.forward(x, media, media, Masks.keyPadding(padding));      // cross-attention
 * }</pre>
 */
public class MultiHeadAttention extends Module {
    /** Where the input projections live; see the class documentation. */
    public enum Layout { PACKED, SEPARATE }

    /**
     * Masks for one call, either may be null. {@code keyPadding}: BOOL {@code [B, Lk]}, true = ignore that
     * key (or float, added). {@code attention}: {@code [Lq, Lk]} or {@code [B·H, Lq, Lk]}, BOOL with true =
     * masked, or float added to the scores (−∞ masks).
     */
    public record Masks(Tensor keyPadding, Tensor attention) {
        public static final Masks NONE = new Masks(null, null);

        public static Masks keyPadding(Tensor keyPadding) {
            return new Masks(keyPadding, null);
        }

        public static Masks attention(Tensor attention) {
            return new Masks(null, attention);
        }

        /** A causal mask for a sequence of length {@code length} (self-attention). */
        public static Masks causal(int length) {
            return attention(Attention.causalMask(length, length));
        }

        public Masks withKeyPadding(Tensor mask) {
            return new Masks(mask, attention);
        }
    }

    private static final String LORA_PREFIX = "in_proj_";
    /** State-dict key of the packed projection's LoRA A {@code [r, E]} (beside {@code in_proj_weight}). */
    public static final String LORA_A = LORA_PREFIX + "lora_A";
    /** State-dict key of the packed projection's LoRA B {@code [3E, r]}. */
    public static final String LORA_B = LORA_PREFIX + "lora_B";
    private static final String LORA_DROPOUT = LORA_PREFIX + "lora_dropout";

    /** How the returned attention weights are shaped. */
    public enum Weights {
        /** {@code [B, Lq, Lk]}, the mean over heads (PyTorch's default {@code average_attn_weights=True}). */
        AVERAGED,
        /** {@code [B, H, Lq, Lk]}. */
        PER_HEAD
    }

    /** Optional settings (kdim = vdim = E, biases, no dropout, PACKED layout) by name. */
    public static final class Builder {
        private final int embedDim;
        private final int numHeads;
        private int kdim;
        private int vdim;
        private boolean bias = true;
        private float dropout;
        private Layout layout = Layout.PACKED;

        public Builder(int embedDim, int numHeads) {
            this.embedDim = embedDim;
            this.numHeads = numHeads;
            this.kdim = embedDim;
            this.vdim = embedDim;
        }

        public Builder kdim(int kdim) {
            this.kdim = kdim;
            return this;
        }

        public Builder vdim(int vdim) {
            this.vdim = vdim;
            return this;
        }

        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** Dropout probability on the attention weights (training only). */
        public Builder dropout(float p) {
            this.dropout = p;
            return this;
        }

        public Builder layout(Layout layout) {
            this.layout = layout;
            return this;
        }

        public MultiHeadAttention build(long seed) {
            return new MultiHeadAttention(this, seed);
        }
    }

    private final int embedDim;
    private final int numHeads;
    private final int kdim;
    private final int vdim;
    private final float dropout;
    private final Layout layout;
    private final long dropoutSeed;
    private long calls;
    // SEPARATE layout: the three input projections (null otherwise); both layouts: outProj.
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;
    // PACKED layout: either inProjWeight, or the three separate weights; inProjBias may be null.
    private final Variable inProjWeight;
    private final Variable[] projWeights;
    private final Variable inProjBias;
    // LoRA on inProjWeight, or null.
    private LoRAAdapter inProjLora;

    /** Self-attention with the PyTorch layout and defaults. */
    public MultiHeadAttention(int embedDim, int numHeads, long seed) {
        this(new Builder(embedDim, numHeads), seed);
    }

    private MultiHeadAttention(Builder b, long seed) {
        if (b.embedDim < 1 || b.numHeads < 1 || b.embedDim % b.numHeads != 0 || b.kdim < 1 || b.vdim < 1) {
            throw new IllegalArgumentException("MultiHeadAttention: embed_dim (" + b.embedDim
                    + ") must be divisible by num_heads (" + b.numHeads + "), kdim and vdim positive (" + b.kdim
                    + ", " + b.vdim + ")");
        }
        if (!(b.dropout >= 0 && b.dropout < 1)) {
            throw new IllegalArgumentException("MultiHeadAttention: dropout must be in [0, 1), got " + b.dropout);
        }
        this.embedDim = b.embedDim;
        this.numHeads = b.numHeads;
        this.kdim = b.kdim;
        this.vdim = b.vdim;
        this.dropout = b.dropout;
        this.layout = b.layout;
        this.dropoutSeed = Init.derive(seed, 100);
        int e = embedDim;
        if (layout == Layout.SEPARATE) {
            qProj = registerModule("q_proj", new Linear(e, e, b.bias, Init.derive(seed, 0)));
            kProj = registerModule("k_proj", new Linear(kdim, e, b.bias, Init.derive(seed, 1)));
            vProj = registerModule("v_proj", new Linear(vdim, e, b.bias, Init.derive(seed, 2)));
            inProjWeight = null;
            projWeights = null;
            inProjBias = null;
        } else if (kdim == e && vdim == e) {
            qProj = kProj = vProj = null;
            inProjWeight = registerParameter("in_proj_weight", Init.xavierUniform(Init.derive(seed, 0), e, 3 * e, 3 * e, e));
            projWeights = null;
            inProjBias = b.bias ? registerParameter("in_proj_bias", Tensor.zeros(3 * e)) : null;
        } else {
            qProj = kProj = vProj = null;
            inProjWeight = null;
            projWeights = new Variable[] {
                    registerParameter("q_proj_weight", Init.xavierUniform(Init.derive(seed, 0), e, e, e, e)),
                    registerParameter("k_proj_weight", Init.xavierUniform(Init.derive(seed, 1), kdim, e, e, kdim)),
                    registerParameter("v_proj_weight", Init.xavierUniform(Init.derive(seed, 2), vdim, e, e, vdim))};
            inProjBias = b.bias ? registerParameter("in_proj_bias", Tensor.zeros(3 * e)) : null;
        }
        outProj = registerModule("out_proj", new Linear(e, e, b.bias, Init.derive(seed, 3)));
        if (layout == Layout.PACKED && outProj.bias() != null) {
            outProj.bias().data().copyFrom(Tensor.zeros(e));
        }
    }

    /** Self-attention without masks: {@code forward(x, x, x)}. */
    @Override
    public Variable forward(Variable x) {
        return forward(x, x, x, Masks.NONE);
    }

    public Variable forward(Variable query, Variable key, Variable value) {
        return forward(query, key, value, Masks.NONE);
    }

    public Variable forward(Variable query, Variable key, Variable value, Masks masks) {
        return attend(query, key, value, masks, false).output();
    }

    /** The output and the attention weights (after dropout), shaped as {@code weights} asks. */
    public Attention.Result forwardWithWeights(Variable query, Variable key, Variable value, Masks masks,
                                               Weights weights) {
        Attention.Result r = attend(query, key, value, masks, true);
        Variable w = r.weights();
        return new Attention.Result(r.output(), weights == Weights.AVERAGED ? ReductionOps.mean(w, new int[] {1}, false) : w);
    }

    /**
     * Output {@code [B, Lq, E]} and, when {@code withWeights}, the per-head weights {@code [B, H, Lq, Lk]}
     * (else null: without them the heads go through the fused attention op).
     */
    private Attention.Result attend(Variable query, Variable key, Variable value, Masks masks, boolean withWeights) {
        checkInput("query", query, -1, -1, embedDim);
        int batch = query.size(0), lq = query.size(1);
        checkInput("key", key, batch, -1, kdim);
        int lk = key.size(1);
        checkInput("value", value, batch, lk, vdim);
        Tensor padding = keyPaddingMask(masks.keyPadding(), batch, lk);
        Tensor attnMask = attentionMask(masks.attention(), batch, lq, lk);
        boolean drop = isTraining() && dropout > 0;
        float p = drop ? dropout : 0;
        long seed = drop ? Init.derive(dropoutSeed, calls++) : 0;
        Attention.Result heads;
        if (!withWeights && isPackedSelfAttention(query, key, value)) {
            heads = new Attention.Result(
                    Attention.attendPacked(packedProjection(query), numHeads, p, seed, padding, attnMask), null);
        } else {
            Variable[] qkv = project(query, key, value);
            Variable q = Attention.splitHeads(qkv[0], numHeads);
            Variable k = Attention.splitHeads(qkv[1], numHeads);
            Variable v = Attention.splitHeads(qkv[2], numHeads);
            heads = withWeights
                    ? Attention.scaledDotProduct(q, k, v, p, seed, padding, attnMask)
                    : new Attention.Result(Attention.attend(q, k, v, p, seed, padding, attnMask), null);
        }
        Variable out = outProj.forward(Attention.mergeHeads(heads.output()));
        return new Attention.Result(out, heads.weights());
    }

    /** Self-attention through the packed input projection: Q, K and V come out of one [3E, E] product. */
    private boolean isPackedSelfAttention(Variable query, Variable key, Variable value) {
        return layout != Layout.SEPARATE && inProjWeight != null && query == key && key == value;
    }

    /** The packed projection {@code [B, L, 3E]} of self-attention (plus the adapter's branch). */
    private Variable packedProjection(Variable x) {
        Variable qkv = LinalgOps.linear(x, inProjWeight, inProjBias);
        return inProjLora == null ? qkv : inProjLora.addTo(qkv, x);
    }

    /** Q, K, V, each {@code [B, L, E]}. */
    private Variable[] project(Variable query, Variable key, Variable value) {
        if (layout == Layout.SEPARATE) {
            return new Variable[] {qProj.forward(query), kProj.forward(key), vProj.forward(value)};
        }
        if (isPackedSelfAttention(query, key, value)) {
            // One [3E, E] product, then three views of its last dim.
            return JoinOps.chunk(packedProjection(query), 3, -1).toArray(Variable[]::new);
        }
        Variable[] inputs = {query, key, value};
        Variable[] out = new Variable[3];
        for (int i = 0; i < 3; i++) {
            Variable w = inProjWeight != null ? ShapeOps.narrow(inProjWeight, 0, i * embedDim, embedDim) : projWeights[i];
            Variable b = inProjBias != null ? ShapeOps.narrow(inProjBias, 0, i * embedDim, embedDim) : null;
            out[i] = LinalgOps.linear(inputs[i], w, b);
            if (inProjLora != null) {
                // Rows [iE, (i+1)E) of W_in + B·A·α/r: the same rows of B.
                out[i] = inProjLora.addTo(out[i], inputs[i], i * embedDim, embedDim);
            }
        }
        return out;
    }

    /**
     * Adds a LoRA adapter of rank r to the packed input projection {@code in_proj_weight [3E, E]}: registers
     * {@value #LORA_A} {@code [r, E]} (Kaiming-uniform, a = √5, {@link LoRAAdapter#initialA}),
     * {@value #LORA_B} {@code [3E, r]} (zeros, so the module's output is unchanged until B moves) and the child
     * {@code in_proj_lora_dropout} (probability {@code dropout} on the adapter's input, in training). Q, K, V
     * are then computed with W_in + B·A·α/r, in self- and cross-attention. W and the biases keep their
     * requires-grad flags ({@link dev.cortado.nn.LoRA#apply} freezes them); {@code out_proj} is a Linear with
     * its own {@link Linear#enableLoRA}.
     *
     * @throws IllegalArgumentException in the SEPARATE layout (adapt the Linear children {@code q_proj},
     *         {@code k_proj}, {@code v_proj} instead), for separate q/k/v weights (kdim or vdim ≠ E, not
     *         supported), when an adapter is already enabled, or for rank < 1
     */
    public LoRAAdapter enableLoRA(int rank, float alpha, float dropout, long seed) {
        if (layout == Layout.SEPARATE) {
            throw fail("LoRA on the SEPARATE layout goes on the Linear children q_proj, k_proj, v_proj "
                    + "(LoRA.apply with \"**.q_proj\", ...), not on the attention module");
        }
        if (inProjWeight == null) {
            throw fail("LoRA on the packed projection needs in_proj_weight [3E, E]; with kdim=" + kdim + ", vdim="
                    + vdim + " != embed_dim=" + embedDim + " the weights are q/k/v_proj_weight, which LoRA does not "
                    + "support");
        }
        if (inProjLora != null) {
            throw fail("already has a LoRA adapter on in_proj_weight");
        }
        if (rank < 1) {
            throw fail("LoRA rank must be positive, got " + rank);
        }
        inProjLora = LoRAAdapter.attach(this, LORA_PREFIX, "LoRA on in_proj_weight", inProjWeight, rank, alpha,
                dropout, seed);
        return inProjLora;
    }

    /** The adapter on {@code in_proj_weight}, or {@code null} when none is enabled. */
    public LoRAAdapter lora() {
        return inProjLora;
    }

    /**
     * Drops the in_proj adapter and its entries. A merged adapter leaves ΔW in {@code in_proj_weight} (merge,
     * then remove: a plain attention with the adapted weight); an unmerged one leaves W as it is.
     */
    public void removeLoRA() {
        if (inProjLora == null) {
            throw fail("has no LoRA adapter to remove");
        }
        unregister(LORA_A);
        unregister(LORA_B);
        unregister(LORA_DROPOUT);
        inProjLora = null;
    }

    /** {@code [B, Lk]} → {@code [B, 1, 1, Lk]}, broadcasting over heads and queries. */
    private Tensor keyPaddingMask(Tensor mask, int batch, int lk) {
        if (mask == null) {
            return null;
        }
        if (mask.dim() != 2 || mask.size(0) != batch || mask.size(1) != lk) {
            throw fail("key padding mask must be [" + batch + ", " + lk + "] (batch, key length) but got "
                    + Shapes.str(mask.shape()));
        }
        return checkedDtype(mask, "key padding mask").reshape(batch, 1, 1, lk);
    }

    /** {@code [Lq, Lk]} stays (broadcasts); {@code [B·H, Lq, Lk]} → {@code [B, H, Lq, Lk]}. */
    private Tensor attentionMask(Tensor mask, int batch, int lq, int lk) {
        if (mask == null) {
            return null;
        }
        boolean twoD = mask.dim() == 2 && mask.size(0) == lq && mask.size(1) == lk;
        boolean threeD = mask.dim() == 3 && mask.size(0) == batch * numHeads && mask.size(1) == lq && mask.size(2) == lk;
        if (!twoD && !threeD) {
            throw fail("attention mask must be [" + lq + ", " + lk + "] or [" + batch * numHeads + ", " + lq + ", "
                    + lk + "] but got " + Shapes.str(mask.shape()));
        }
        Tensor checked = checkedDtype(mask, "attention mask");
        return twoD ? checked : checked.reshape(batch, numHeads, lq, lk);
    }

    private Tensor checkedDtype(Tensor mask, String what) {
        if (mask.dtype() == DType.INT64) {
            throw fail(what + " must be BOOL (true = masked) or FLOAT32 (added), got INT64");
        }
        return mask;
    }

    private IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(path() + " (MultiHeadAttention): " + message);
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    public Layout layout() {
        return layout;
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder("embed_dim=" + embedDim + ", num_heads=" + numHeads);
        if (kdim != embedDim || vdim != embedDim) {
            s.append(", kdim=").append(kdim).append(", vdim=").append(vdim);
        }
        if (dropout > 0) {
            s.append(", dropout=").append(dropout);
        }
        s.append(", layout=").append(layout);
        if (inProjLora != null) {
            s.append(", ").append(inProjLora.repr("in_proj_"));
        }
        return s.toString();
    }
}
