package dev.cortado.models.bert;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cortado.autograd.ParityAssert.FORWARD;
import static dev.cortado.autograd.ParityAssert.GRADIENT;
import static dev.cortado.autograd.ParityAssert.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The BERT encoder against a PyTorch model with Hugging Face's parameter names and maths
 * (tools/reference/gen_bert.py): hidden states and pooled sentence embeddings within 1e-5, every parameter
 * gradient within 1e-4 (relative to the tensor's largest magnitude).
 */
class BertModelTest {
    private static final Fixtures.Case CASE = Fixtures.load("bert.json").get(0);

    private static BertModel loadedModel() {
        BertConfig config = new BertConfig(CASE.intArg("vocab"), CASE.intArg("hidden"), CASE.intArg("layers"),
                CASE.intArg("heads"), CASE.intArg("intermediate"), CASE.intArg("positions"), CASE.intArg("types"),
                (float) CASE.doubleArg("eps"), 0f);
        BertModel model = new BertModel(config, 1);
        model.loadStateDict(CASE.inputsWithPrefix("param."), true);   // strict: every Hugging Face key is present and used
        return model;
    }

    @Test
    void matchesPyTorchHiddenStatesPooledEmbeddingsAndGradients() {
        BertModel model = loadedModel();
        Tensor mask = CASE.input("mask");
        Variable hidden = model.forward(CASE.input("ids"), CASE.input("types"), mask);
        assertRelative(CASE.output("hidden"), hidden.data(), FORWARD, "last hidden state");
        assertRelative(CASE.output("pooled"), BertModel.meanPool(hidden, mask).data(), FORWARD, "sentence embeddings");
        hidden.backward(CASE.input("upstream"));
        model.namedParameters().forEach((name, p) -> {
            if (name.endsWith("attention.self.key.bias")) {
                // Adding b to every key adds q·b to a whole row of scores, which softmax ignores: the true
                // gradient is 0 and both sides hold only rounding noise (~1e-7), so bound it absolutely.
                for (float g : p.grad().toFloatArray()) {
                    assertTrue(Math.abs(g) < 1e-5, name + ": gradient " + g + " should be ~0");
                }
            } else {
                assertRelative(CASE.output("grad." + name), p.grad(), GRADIENT, "gradient of " + name);
            }
        });
    }

    @Test
    void keysFollowHuggingFace() {
        List<String> keys = List.copyOf(new BertModel(BertConfig.miniLmL6(), 1).stateDict().keySet());
        assertEquals("embeddings.word_embeddings.weight", keys.get(0));
        assertTrue(keys.contains("encoder.layer.5.attention.self.query.weight"), keys.toString());
        assertTrue(keys.contains("encoder.layer.0.attention.output.LayerNorm.bias"), keys.toString());
        assertTrue(keys.contains("encoder.layer.3.output.dense.weight"), keys.toString());
        assertEquals(22_565_376L, new BertModel(BertConfig.miniLmL6(), 1).parameterCount(),
                "all-MiniLM-L6-v2 without its pooler (22,713,216 with it)");
    }

    @Test
    void tooLongInputNamesTheModuleAndTheLimit() {
        BertModel model = loadedModel();
        Tensor ids = Tensor.zeros(1, 9).to(dev.cortado.tensor.DType.INT64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(ids, null, null));
        assertTrue(e.getMessage().contains("embeddings") && e.getMessage().contains("8 learned positions"),
                e.getMessage());
    }
}
