package dev.cortado.models.bert;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.Init;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Module;
import dev.cortado.nn.attention.Attention;
import dev.cortado.tensor.Tensor;

/**
 * One post-norm BERT encoder layer with Hugging Face's parameter names:
 * <pre>
 *   a = LayerNorm(x + dropout(attention.output.dense(SelfAttention(x))))      attention.output.LayerNorm
 *   y = LayerNorm(a + dropout(output.dense(GELU(intermediate.dense(a)))))      output.LayerNorm
 * </pre>
 * SelfAttention uses {@code attention.self.query/key/value}; keys whose {@code keyPadding} is true are masked.
 */
public class BertLayer extends Module {
    private final int heads;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear attentionOut;
    private final LayerNorm attentionNorm;
    private final Linear intermediate;
    private final Linear output;
    private final LayerNorm outputNorm;
    private final Dropout dropout;
    private final float attentionDropout;
    private final long seed;
    private long calls;

    public BertLayer(BertConfig config, long seed) {
        int width = config.hiddenSize();
        heads = config.heads();
        Group attention = registerModule("attention", new Group());
        Group self = attention.add("self", new Group());
        query = self.add("query", new Linear(width, width, Init.derive(seed, 0)));
        key = self.add("key", new Linear(width, width, Init.derive(seed, 1)));
        value = self.add("value", new Linear(width, width, Init.derive(seed, 2)));
        Group attentionOutput = attention.add("output", new Group());
        attentionOut = attentionOutput.add("dense", new Linear(width, width, Init.derive(seed, 3)));
        attentionNorm = attentionOutput.add("LayerNorm", new LayerNorm(new int[] {width}, config.layerNormEps(), true));
        Group intermediateGroup = registerModule("intermediate", new Group());
        intermediate = intermediateGroup.add("dense", new Linear(width, config.intermediateSize(), Init.derive(seed, 4)));
        Group outputGroup = registerModule("output", new Group());
        output = outputGroup.add("dense", new Linear(config.intermediateSize(), width, Init.derive(seed, 5)));
        outputNorm = outputGroup.add("LayerNorm", new LayerNorm(new int[] {width}, config.layerNormEps(), true));
        dropout = registerModule("dropout", new Dropout(config.dropout(), Init.derive(seed, 6)));
        attentionDropout = config.dropout();
        this.seed = Init.derive(seed, 7);
    }

    /** x {@code [B, L, hidden]}, keyPadding BOOL {@code [B, L]} (true = padding) or null. */
    public Variable forward(Variable x, Tensor keyPadding) {
        checkInput("hidden states", x, -1, -1, query.inFeatures());
        Variable q = Attention.splitHeads(query.forward(x), heads);
        Variable k = Attention.splitHeads(key.forward(x), heads);
        Variable v = Attention.splitHeads(value.forward(x), heads);
        Tensor mask = keyPadding == null ? null : keyPadding.reshape(keyPadding.size(0), 1, 1, keyPadding.size(1));
        float p = isTraining() ? attentionDropout : 0f;
        Variable context = Attention.mergeHeads(Attention.attend(q, k, v, p, Init.derive(seed, calls++), mask));
        Variable attended = attentionNorm.forward(MathOps.add(x, dropout.forward(attentionOut.forward(context))));
        Variable hidden = output.forward(MathOps.gelu(intermediate.forward(attended)));
        return outputNorm.forward(MathOps.add(attended, dropout.forward(hidden)));
    }

    /** A parameterless container that only gives its children their dotted names (HF's nesting). */
    static final class Group extends Module {
        <M extends Module> M add(String name, M child) {
            return registerModule(name, child);
        }
    }
}
