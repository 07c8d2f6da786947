package dev.cortado.models.onnx;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Init;
import dev.cortado.nn.LoRAAdapter;
import dev.cortado.nn.Module;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Low-rank adapters on an {@link OnnxModule}: the graph's weights, not its layers, carry them. Every
 * MatMul/Gemm node whose weight (input B) is a 2-D float initializer and whose node name, initializer name
 * or parameter name matches one of the globs (syntax as in {@link Module#freeze}) gets, per initializer, one
 * {@link LoRAAdapter}: A {@code [r, in]} (Kaiming-uniform), B {@code [out, r]} (zeros, so the graph starts
 * exactly as it was), registered as {@code <parameter>_lora_A}, {@code <parameter>_lora_B}; everything else is
 * frozen. The node then computes
 * <ul>
 * <li>MatMul, W {@code [in, out]}: Y = X·W + (dropout(X)·Aᵀ·Bᵀ)·α/r;</li>
 * <li>Gemm: Y = a·X'·W' + β·C + (dropout(a·X')·Aᵀ·Bᵀ)·α/r, X' = Xᵀ when transA, W' = Wᵀ when transB, so W is
 * {@code [out, in]} with transB and {@code [in, out]} without; a is Gemm's alpha, so that merging
 * (W' ← W' + ΔWᵀ) leaves the output as it was.</li>
 * </ul>
 * {@link #merge} folds ΔW = B·A·α/r into each weight in its layout; {@link #unmerge} restores it bit for bit.
 * <pre>{@code
 * List<String> adapted = OnnxLoRA.apply(module, List.of("**query**", "**value**"), 8, 16f, 0.05f, seed);
 * }</pre>
 */
public final class OnnxLoRA {
    private OnnxLoRA() {
    }

    /**
     * Adds adapters to the matching weights and freezes every other parameter; returns the adapted initializers'
     * ONNX names, in node order. Fails if nothing matches, or if a matched initializer is also read other than
     * as a MatMul/Gemm weight in one layout (merging would then change that reader).
     */
    public static List<String> apply(OnnxModule module, List<String> patterns, int rank, float alpha,
                                     float dropout, long seed) {
        if (rank < 1) {
            throw new IllegalArgumentException(module.path() + " (OnnxLoRA): rank must be positive, got " + rank);
        }
        List<Pattern> globs = patterns.stream().map(Module::globToPattern).toList();
        Map<String, Boolean> targets = new LinkedHashMap<>();   // initializer → weight stored [in, out]
        for (OnnxNode node : module.graph().nodes()) {
            String weight = weightName(node);
            if (weight == null || !module.parametersByOnnxName().containsKey(weight)
                    || module.parameter(weight).dim() != 2) {
                continue;
            }
            List<String> names = List.of(node.name(), weight, module.parameterName(weight));
            if (globs.stream().anyMatch(g -> names.stream().anyMatch(n -> g.matcher(n).matches()))) {
                targets.put(weight, weightInOut(node));
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException(module.path() + " (OnnxLoRA): no MatMul/Gemm node with a 2-D float"
                    + " initializer weight matches " + patterns + " (by node, initializer or parameter name)");
        }
        for (OnnxNode node : module.graph().nodes()) {
            for (int i = 0; i < node.inputs().size(); i++) {
                Boolean inOut = targets.get(node.inputs().get(i));
                if (inOut != null && (i != 1 || weightName(node) == null || weightInOut(node) != inOut)) {
                    throw new IllegalArgumentException(module.path() + " (OnnxLoRA): initializer '"
                            + node.inputs().get(i) + "' is also input " + i + " of " + node.describe()
                            + "; an adapted weight must be read only as a MatMul/Gemm weight in one layout");
                }
            }
        }
        module.parameters().forEach(p -> p.setRequiresGrad(false));
        int i = 0;
        for (Map.Entry<String, Boolean> target : targets.entrySet()) {
            module.addLoRA(target.getKey(), target.getValue(), rank, alpha, dropout, Init.derive(seed, i++));
        }
        return List.copyOf(targets.keySet());
    }

    /** Merges every adapter of the module into its weight. */
    public static void merge(OnnxModule module) {
        module.adapters().values().forEach(LoRAAdapter::merge);
    }

    /** Undoes {@link #merge}, exactly. */
    public static void unmerge(OnnxModule module) {
        module.adapters().values().forEach(LoRAAdapter::unmerge);
    }

    /** The weight input (B) of a MatMul or Gemm node, or null for any other node. */
    static String weightName(OnnxNode node) {
        boolean product = (node.domain().isEmpty() || node.domain().equals("ai.onnx"))
                && (node.opType().equals("MatMul") || node.opType().equals("Gemm"));
        return product && node.inputs().size() > 1 ? node.inputs().get(1) : null;
    }

    /** Whether the node reads its weight as {@code [in, out]}: MatMul, and Gemm without transB. */
    static boolean weightInOut(OnnxNode node) {
        return node.opType().equals("MatMul") || node.intAttribute("transB", 0) == 0;
    }

    /** The adapter's input {@code [..., in]}: X for MatMul, a·X' for Gemm (see the class comment). */
    static Variable adapterInput(OnnxNode node, Variable x) {
        if (node.opType().equals("MatMul")) {
            return x;
        }
        Variable rows = node.intAttribute("transA", 0) != 0 ? ShapeOps.transpose(x, 0, 1) : x;
        float alpha = node.floatAttribute("alpha", 1f);
        return alpha == 1f ? rows : MathOps.mul(rows, alpha);
    }
}
