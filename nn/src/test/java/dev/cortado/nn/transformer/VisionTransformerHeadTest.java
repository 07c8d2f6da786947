package dev.cortado.nn.transformer;

import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Linear;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A new task head on a pretrained ViT backbone (Module.replaceModule through VisionTransformer.replaceHead). */
class VisionTransformerHeadTest {
    private static VisionTransformer tinyVit(int classes, long seed) {
        return new VisionTransformer(new VisionTransformer.Config(8, 1, 4, 8, 2, 2, 16, classes, 0f, seed));
    }

    private static Map<String, Tensor> copyOf(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    @Test
    void newHeadKeepsBackboneAndKeys() {
        VisionTransformer vit = tinyVit(5, 1);
        Map<String, Tensor> before = copyOf(vit.stateDict());
        Linear oldHead = vit.head();
        Linear fresh = new Linear(8, 5, 99);

        assertSame(oldHead, vit.replaceHead(fresh));
        assertSame(fresh, vit.head());
        assertEquals("head", fresh.path());
        assertEquals("Linear", oldHead.path(), "the old head is detached");

        Map<String, Tensor> after = vit.stateDict();
        assertEquals(List.copyOf(before.keySet()), List.copyOf(after.keySet()), "same keys in the same order");
        before.forEach((key, value) -> {
            if (key.startsWith("head.")) {
                TensorAssert.assertSame(fresh.namedParameters().get(key.substring(5)).data(), after.get(key),
                        key + " is the new head's");
            } else {
                TensorAssert.assertSame(value, after.get(key), key + " (backbone) unchanged");
            }
        });
        assertTrue(vit.namedParameters().get("head.weight") == fresh.weight());

        // forward = new head applied to the unchanged backbone features (exact: the same ops on the same values)
        Variable images = Variable.constant(Tensor.randn(3, 2, 1, 8, 8));
        Variable expected = LinalgOps.linear(vit.features(images), fresh.weight(), fresh.bias());
        TensorAssert.assertSame(expected.data(), vit.forward(images).data(), "logits from the new head");
    }

    @Test
    void headWithAnotherClassCountUpdatesConfig() {
        VisionTransformer vit = tinyVit(5, 2);
        vit.replaceHead(new Linear(8, 3, 7));
        assertEquals(3, vit.config().numClasses());
        assertArrayEquals(new int[] {3, 8}, vit.stateDict().get("head.weight").shape());
        assertArrayEquals(new int[] {2, 3}, vit.forward(Variable.constant(Tensor.randn(4, 2, 1, 8, 8))).shape());
    }

    @Test
    void rejectsWrongWidthAndAttachedModules() {
        VisionTransformer vit = tinyVit(5, 3);
        var wrongWidth = assertThrows(IllegalArgumentException.class, () -> vit.replaceHead(new Linear(6, 5, 1)));
        assertTrue(wrongWidth.getMessage().contains("6 features") && wrongWidth.getMessage().contains("width 8"),
                wrongWidth.getMessage());
        Linear kept = vit.head();
        VisionTransformer other = tinyVit(5, 4);
        var attached = assertThrows(IllegalArgumentException.class, () -> vit.replaceHead(other.head()));
        assertTrue(attached.getMessage().contains("already registered as head"), attached.getMessage());
        assertSame(kept, vit.head(), "a refused replacement changes nothing");
        assertEquals("head", other.head().path());
    }
}
