package dev.cortado.models.bert;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Init;
import dev.cortado.nn.Module;
import dev.cortado.nn.ModuleList;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.CompareOp;

/**
 * A BERT-style text encoder with Hugging Face's state-dict keys ({@code embeddings.*},
 * {@code encoder.layer.N.*}), so weights exported from {@code BertModel} load by name:
 * <pre>{@code
 * BertModel bert = new BertModel(BertConfig.miniLmL6(), seed);
 * Variable hidden = bert.forward(ids, typeIds, attentionMask);     // [B, L, 384]
 * Variable sentences = BertModel.meanPool(hidden, attentionMask);   // [B, 384], L2-normalised
 * Variable bge = BertModel.clsPool(hidden);                         // bge-small's [CLS] pooling
 * }</pre>
 */
public class BertModel extends Module {
    private final BertEmbeddings embeddings;
    private final ModuleList<BertLayer> layers;

    public BertModel(BertConfig config, long seed) {
        embeddings = registerModule("embeddings", new BertEmbeddings(config, Init.derive(seed, 0)));
        BertLayer.Group encoder = registerModule("encoder", new BertLayer.Group());
        layers = encoder.add("layer", new ModuleList<>());
        for (int i = 0; i < config.layers(); i++) {
            layers.add(new BertLayer(config, Init.derive(seed, i + 1)));
        }
    }

    /**
     * The last hidden states {@code [B, L, hidden]} for token ids, token type ids and attention mask
     * (INT64 {@code [B, L]}; mask 1 = token, 0 = padding; typeIds may be null for all zeros).
     */
    public Variable forward(Tensor ids, Tensor typeIds, Tensor attentionMask) {
        Tensor types = typeIds != null ? typeIds : Tensor.zeros(ids.shape()).to(DType.INT64);
        Tensor padding = attentionMask == null ? null
                : Elementwise.compare(CompareOp.EQ, attentionMask.to(DType.FLOAT32), 0f);
        Variable hidden = embeddings.forward(ids, types);
        for (BertLayer layer : layers) {
            hidden = layer.forward(hidden, padding);
        }
        return hidden;
    }

    /**
     * Sentence embeddings as sentence-transformers computes them for all-MiniLM-L6-v2: the mean of the token
     * states where the mask is 1, divided by its L2 norm (norm clamped below at 1e-12).
     * {@code [B, L, hidden]} → {@code [B, hidden]}.
     */
    public static Variable meanPool(Variable hidden, Tensor attentionMask) {
        Variable weights = Variable.constant(attentionMask.to(DType.FLOAT32).unsqueeze(-1));   // [B, L, 1]
        Variable summed = ReductionOps.sum(MathOps.mul(hidden, weights), new int[] {1}, false);
        Variable counts = MathOps.clamp(ReductionOps.sum(weights, new int[] {1}, false), 1e-9f, Float.MAX_VALUE);
        return l2Normalize(MathOps.div(summed, counts));
    }

    /**
     * Sentence embeddings as bge-small computes them: the state of the first token ({@code [CLS]}) divided by
     * its L2 norm (clamped below at 1e-12). {@code [B, L, hidden]} → {@code [B, hidden]}.
     */
    public static Variable clsPool(Variable hidden) {
        return l2Normalize(ShapeOps.select(hidden, 1, 0));
    }

    /** x / max(‖x‖₂, 1e-12) along the last dimension of {@code [B, hidden]}. */
    private static Variable l2Normalize(Variable x) {
        Variable norm = MathOps.clamp(MathOps.sqrt(ReductionOps.sum(MathOps.mul(x, x), new int[] {1}, true)),
                1e-12f, Float.MAX_VALUE);
        return MathOps.div(x, ShapeOps.expand(norm, x.shape()));
    }
}
