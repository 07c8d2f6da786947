package dev.cortado.training.strategies;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.Module;
import dev.cortado.training.optim.ParamGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Discriminative learning rates (Howard &amp; Ruder 2018, ULMFiT §3.2): lower layers, which hold more general
 * features, move more slowly. Layer group k of {@link LayerGroups} (k = 0 at the top) gets
 * <pre>
 *   lr_k = baseLr / factor^k
 * </pre>
 * as its own {@link ParamGroup} (named {@code "layer_group.k"}), all with the same weight decay; ULMFiT uses
 * factor 2.6. Schedules scale each group's base rate, so the ratios hold through warm-up and decay.
 * <pre>{@code
 * List<ParamGroup> groups = DiscriminativeLr.paramGroups(vit, LayerGroups.visionTransformer(4), 1e-3,
 *         DiscriminativeLr.ULMFIT_FACTOR, 0.05);   // head+norm 1e-3, layer 3 3.8e-4, …, embeddings 1e-3/2.6⁵
 * }</pre>
 */
public final class DiscriminativeLr {
    /** The factor between neighbouring groups' rates in ULMFiT. */
    public static final double ULMFIT_FACTOR = 2.6;

    private DiscriminativeLr() {
    }

    /**
     * One parameter group per layer group, top first, with lr = baseLr / factor^k (factor ≥ 1). Every parameter of the
     * model must fall in a group ({@link LayerGroups#resolve} names the ones that do not).
     */
    public static List<ParamGroup> paramGroups(Module model, LayerGroups layerGroups, double baseLr, double factor,
                                               double weightDecay) {
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("DiscriminativeLr: factor must be finite and >= 1, got " + factor);
        }
        List<Map<String, Variable>> resolved = layerGroups.resolve(model);
        List<ParamGroup> out = new ArrayList<>();
        for (int k = 0; k < resolved.size(); k++) {
            out.add(new ParamGroup("layer_group." + k, resolved.get(k), baseLr / Math.pow(factor, k), weightDecay));
        }
        return out;
    }
}
