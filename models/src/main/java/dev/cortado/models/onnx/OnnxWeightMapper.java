package dev.cortado.models.onnx;

import dev.cortado.nn.Module;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Places the initializers of a model exported by {@code torch.onnx.export} under the PyTorch state-dict keys
 * of a Cortado module and loads them: the shared half of {@code BertOnnxImporter}, {@code VitOnnxImporter}
 * and {@code ClipOnnxImporter}, which add the configuration inference of their architecture.
 * <pre>{@code
 * OnnxWeightMapper mapper = new OnnxWeightMapper(onnx, "VitOnnxImporter", Map.of());
 * int width = mapper.shape("patch_embed.weight", 4)[0];                  // infer the configuration ...
 * OnnxImportReport report = mapper.load(model, "VisionTransformer", Map.of(), true);   // ... then fill the model
 * }</pre>
 *
 * <p>The exporter keeps most parameter names, which are taken as they are. Constant folding replaces a
 * {@code Linear} weight that is used through a transpose (every bias-free projection, BERT's Linear layers,
 * the packed {@code in_proj_weight [3E, E]} of {@code nn.MultiheadAttention} and {@code linear1}/{@code linear2}
 * of {@code nn.TransformerEncoderLayer}) by an anonymous {@code onnx::MatMul_NNN} holding its transpose
 * {@code [in, out]}. Such an initializer is placed by the graph around it: the key is the name of the bias the
 * product meets (Gemm's C input, or a named initializer of the {@code Add} after a MatMul) with its final
 * {@code bias} replaced by {@code weight} ({@code x.bias → x.weight}, {@code x.in_proj_bias → x.in_proj_weight}),
 * or else the node's scope ({@code /encoder/layer.0/attention/self/query/MatMul} →
 * {@code encoder.layer.0.attention.self.query}) plus the input's role (MatMul/Gemm B → weight, Gemm C → bias,
 * LayerNormalization scale/bias, Gather table → weight); MatMul weights (and Gemm weights without
 * {@code transB}) are transposed back to {@code [out, in]}. Non-float initializers and anonymous scalars are
 * shape and arithmetic constants, reported as ignored.
 */
public final class OnnxWeightMapper {
    /** How far after a projection's MatMul {@link #attentionHeads} looks for the query scaling. */
    private static final int ATTENTION_SCALE_DEPTH = 8;

    private final OnnxModel onnx;
    private final String importer;
    private final OnnxGraph graph;
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, Tensor> weights = new LinkedHashMap<>();
    private final Map<String, String> initializerOf = new HashMap<>();
    private final Map<String, String> sources = new HashMap<>();
    private final Set<String> namedScalars = new HashSet<>();
    private final List<String> unmapped = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();
    private final List<String> mismatches = new ArrayList<>();

    /**
     * Places every initializer of {@code onnx}.
     *
     * @param importer the importer's name, for messages
     * @param skipped  initializer-name prefixes that are known not to be weights of the target model, each with
     *                 the reason the report gives (BERT: {@code "pooler."})
     */
    public OnnxWeightMapper(OnnxModel onnx, String importer, Map<String, String> skipped) {
        this.onnx = onnx;
        this.importer = importer;
        this.graph = onnx.graph();
        for (OnnxNode node : graph.nodes()) {
            for (String input : node.inputs()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
            for (String output : node.outputs()) {
                producers.put(output, node);
            }
        }
        for (OnnxTensor init : graph.initializers().values()) {
            String reason = skipped.entrySet().stream().filter(e -> init.name().startsWith(e.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            if (reason != null) {
                ignored.add(init.name() + " (" + reason + ")");
            } else {
                place(init);
            }
        }
    }

    /** The placed weights, state-dict key → value in PyTorch's layout ({@code Linear} weights {@code [out, in]}). */
    public Map<String, Tensor> weights() {
        return Collections.unmodifiableMap(weights);
    }

    /**
     * The shape of the placed weight {@code key}, which must have {@code dims} dimensions: for configuration
     * inference, so its absence is an IllegalArgumentException asking for an explicit configuration.
     */
    public int[] shape(String key, int dims) {
        Tensor value = weights.get(key);
        if (value == null || value.dim() != dims) {
            throw new IllegalArgumentException(importer + ": cannot infer the configuration of " + onnx.file()
                    + ": no " + dims + "-D initializer for " + key + " (pass the configuration)");
        }
        return value.shape();
    }

    /** The number of numbered blocks under {@code prefix} ({@code "encoder.layers."}): the largest N + 1, or 0. */
    public int blockCount(String prefix) {
        int count = 0;
        for (String key : weights.keySet()) {
            if (key.startsWith(prefix)) {
                String rest = key.substring(prefix.length());
                int dot = rest.indexOf('.');
                if (dot > 0 && rest.substring(0, dot).chars().allMatch(Character::isDigit)) {
                    count = Math.max(count, Integer.parseInt(rest.substring(0, dot)) + 1);
                }
            }
        }
        return count;
    }

    /**
     * Fills {@code model} with the placed weights and reports the fit: weights whose key the model lacks are
     * unmapped, model keys without a weight unfilled (or ignored, under a prefix of {@code unused}: keys the
     * model holds but never uses, each prefix with the reason), shapes that differ are mismatches. All or
     * nothing: a strict load whose report is not {@link OnnxImportReport#clean() clean} throws an
     * IllegalArgumentException carrying the whole report and changes nothing; otherwise every fitting weight
     * is copied in and unfilled keys keep their initialisation.
     *
     * @param description the model, for the message ({@code "VisionTransformer Config[...]"})
     */
    public OnnxImportReport load(Module model, String description, Map<String, String> unused, boolean strict) {
        List<String> unplaced = new ArrayList<>(unmapped);
        List<String> skipped = new ArrayList<>(ignored);
        List<String> misfits = new ArrayList<>(mismatches);
        Map<String, Tensor> own = model.stateDict();
        String modelName = model.getClass().getSimpleName();
        Map<String, Tensor> accepted = new LinkedHashMap<>();
        weights.forEach((key, value) -> {
            Tensor target = own.get(key);
            if (target == null && namedScalars.contains(key)) {
                skipped.add(sources.get(key) + " (a scalar constant that is no key of " + modelName + ")");
            } else if (target == null) {
                unplaced.add(sources.get(key) + " → " + key + " (" + modelName + " has no such key)");
            } else if (!Arrays.equals(target.shape(), value.shape())) {
                misfits.add(key + ": model " + Arrays.toString(target.shape()) + " vs onnx " + sources.get(key)
                        + " " + Arrays.toString(value.shape()));
            } else {
                accepted.put(key, value);
            }
        });
        List<String> unfilled = new ArrayList<>();
        for (String key : own.keySet()) {
            if (!accepted.containsKey(key)) {
                String reason = unused.entrySet().stream().filter(e -> key.startsWith(e.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (reason == null) {
                    unfilled.add(key);
                } else {
                    skipped.add(key + " (" + reason + ")");
                }
            }
        }
        Map<String, String> mapped = new TreeMap<>();
        accepted.keySet().forEach(key -> mapped.put(key, sources.get(key)));
        OnnxImportReport report = new OnnxImportReport(mapped, unplaced, unfilled, misfits, skipped);
        if (strict && !report.clean()) {
            throw new IllegalArgumentException(importer + ": " + onnx.file() + " does not fit " + description + ": "
                    + report);
        }
        model.loadStateDict(accepted, false);
        return report;
    }

    // ------------------------------------------------------------ placement

    private void place(OnnxTensor init) {
        String name = init.name();
        Tensor value = init.values();
        if (value.dtype() != DType.FLOAT32) {
            ignored.add(name + " (" + init.dataType() + ": a shape or index constant, not a weight)");
            return;
        }
        boolean named = !anonymous(name);
        if (!named && value.numel() == 1) {
            ignored.add(name + " (a scalar constant, e.g. a LayerNorm epsilon or the attention scale)");
            return;
        }
        Placement placement = named ? new Placement(name, false) : placeByGraph(name);
        if (placement == null) {
            unmapped.add(name + " " + Arrays.toString(init.shape()) + " (no consumer that identifies it)");
            return;
        }
        if (placement.transposed()) {
            if (value.dim() != 2) {
                unmapped.add(name + " " + Arrays.toString(init.shape()) + " (a MatMul weight that is not 2-D)");
                return;
            }
            value = value.transpose(0, 1).contiguous();
        }
        String source = name + (placement.transposed() ? " (transposed)" : "");
        String key = placement.key();
        if (weights.containsKey(key)) {
            mismatches.add(key + ": claimed by both " + sources.get(key) + " and " + source);
            return;
        }
        weights.put(key, value);
        sources.put(key, source);
        initializerOf.put(key, name);
        if (named && value.numel() == 1) {
            namedScalars.add(key);
        }
    }

    /** Names the exporter made up: {@code onnx::MatMul_885}, {@code /encoder/Constant_output_0}, {@code 1234}. */
    private static boolean anonymous(String name) {
        return name.isEmpty() || name.startsWith("/") || name.contains("::")
                || name.chars().allMatch(Character::isDigit);
    }

    /** A state-dict key and whether the ONNX tensor is the transpose of the PyTorch one. */
    private record Placement(String key, boolean transposed) {
    }

    /** Places an anonymous initializer by the first node that consumes it in a recognised role. */
    private Placement placeByGraph(String initializer) {
        for (OnnxNode node : consumers(initializer)) {
            int index = node.inputs().indexOf(initializer);
            Placement placement = switch (node.opType()) {
                case "MatMul" -> index == 1 ? weight(node, true) : null;
                case "Gemm" -> index == 1 ? weight(node, node.intAttribute("transB", 0) == 0)
                        : index == 2 ? scoped(node, "bias", false) : null;
                case "LayerNormalization" -> index == 1 ? scoped(node, "weight", false)
                        : index == 2 ? scoped(node, "bias", false) : null;
                case "Gather" -> index == 0 ? scoped(node, "weight", false) : null;
                case "Add" -> scoped(node, "bias", false);
                case "Mul" -> scoped(node, "weight", false);
                default -> null;
            };
            if (placement != null) {
                return placement;
            }
        }
        return null;
    }

    /**
     * A Linear weight: named after the bias its product meets ({@code Gemm}'s C input, or the named
     * initializer of the {@code Add} after a MatMul), or after the node's scope.
     */
    private Placement weight(OnnxNode node, boolean transposed) {
        List<String> biasCandidates = new ArrayList<>();
        if (node.opType().equals("Gemm") && node.inputs().size() > 2) {
            biasCandidates.add(node.inputs().get(2));
        }
        for (OnnxNode add : consumers(node.outputs().get(0))) {
            if (add.opType().equals("Add")) {
                biasCandidates.addAll(add.inputs());
            }
        }
        for (String bias : biasCandidates) {
            if (bias.endsWith("bias") && !anonymous(bias) && graph.initializers().containsKey(bias)) {
                return new Placement(bias.substring(0, bias.length() - "bias".length()) + "weight", transposed);
            }
        }
        return scoped(node, "weight", transposed);
    }

    /** {@code /encoder/layer.0/attention/self/query/MatMul} → {@code encoder.layer.0.attention.self.query.<leaf>}. */
    private static Placement scoped(OnnxNode node, String leaf, boolean transposed) {
        String name = node.name();
        int last = name.lastIndexOf('/');
        if (!name.startsWith("/") || last <= 0) {
            return null;
        }
        return new Placement(name.substring(1, last).replace('/', '.') + "." + leaf, transposed);
    }

    // ------------------------------------------------------------ reading the graph

    /** The nodes that read {@code value}. */
    public List<OnnxNode> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** The value of an initializer or Constant node output, or null when computed at run time. */
    public Tensor constant(String value) {
        OnnxTensor init = graph.initializers().get(value);
        if (init != null) {
            return init.values();
        }
        OnnxNode producer = producers.get(value);
        return producer != null && producer.opType().equals("Constant") && producer.hasAttribute("value")
                ? producer.tensorAttribute("value").values() : null;
    }

    /** The entries of a 1-D shape value that are constants (null where computed at run time). */
    public Long[] shapeConstants(String value) {
        Tensor constant = constant(value);
        if (constant != null) {
            return constant.dtype() == DType.INT64 ? Arrays.stream(constant.toLongArray()).boxed().toArray(Long[]::new)
                    : null;
        }
        OnnxNode producer = producers.get(value);
        if (producer == null || !producer.opType().equals("Concat")) {
            return null;
        }
        List<Long> entries = new ArrayList<>();
        for (String part : producer.inputs()) {
            Tensor piece = constant(part);
            if (piece == null) {
                entries.add(null);      // one dynamic entry (an Unsqueezed Gather of Shape)
            } else if (piece.dtype() == DType.INT64) {
                for (long entry : piece.toLongArray()) {
                    entries.add(entry);
                }
            } else {
                return null;
            }
        }
        return entries.toArray(Long[]::new);
    }

    /**
     * The head count of the attention whose input projection is the placed weight {@code projectionKey}
     * ({@code ...self_attn.in_proj_weight}), of model width {@code width}: scaled dot-product attention
     * divides the queries (or the scores) by √d_head, so the first Div by a float scalar c (or Mul by
     * c = 1/√d_head) within a few nodes after the projection's MatMul gives d_head = c² (or 1/c²), and
     * heads = width / d_head. Scalings by exactly 1 (a mask's weight) are passed over.
     *
     * @throws IllegalArgumentException when no such scaling is found, or it does not divide the width
     */
    public int attentionHeads(String projectionKey, int width) {
        String weight = initializerOf.get(projectionKey);
        ArrayDeque<OnnxNode> queue = new ArrayDeque<>(weight == null ? List.of() : consumers(weight));
        Map<OnnxNode, Integer> depth = new HashMap<>();
        queue.forEach(node -> depth.put(node, 0));
        while (!queue.isEmpty()) {
            OnnxNode node = queue.poll();
            double headDim = scaleHeadDim(node);
            if (headDim > 0) {
                long rounded = Math.round(headDim);
                if (Math.abs(headDim - rounded) > 1e-3 * rounded || rounded < 1 || width % rounded != 0) {
                    throw new IllegalArgumentException(importer + ": " + onnx.file() + ": the attention scaling in "
                            + node.name() + " gives a head size " + headDim + " that does not divide the width "
                            + width + " (pass the configuration)");
                }
                return Math.toIntExact(width / rounded);
            }
            if (depth.get(node) < ATTENTION_SCALE_DEPTH) {
                for (String output : node.outputs()) {
                    for (OnnxNode next : consumers(output)) {
                        if (depth.putIfAbsent(next, depth.get(node) + 1) == null) {
                            queue.add(next);
                        }
                    }
                }
            }
        }
        throw new IllegalArgumentException(importer + ": cannot infer the attention head count of " + onnx.file()
                + ": no scaling by 1/sqrt(head size) after the MatMul of " + projectionKey + " (pass the configuration)");
    }

    /** d_head for a Div by the float scalar √d_head or a Mul by 1/√d_head; 0 for any other node. */
    private double scaleHeadDim(OnnxNode node) {
        boolean div = node.opType().equals("Div");
        if (!div && !node.opType().equals("Mul")) {
            return 0;
        }
        List<String> operands = div ? node.inputs().subList(1, 2) : node.inputs();
        for (String operand : operands) {
            Tensor c = constant(operand);
            if (c != null && c.dtype() == DType.FLOAT32 && c.numel() == 1) {
                double value = c.toFloatArray()[0];
                if (value > 0 && value != 1) {
                    return div ? value * value : 1 / (value * value);
                }
            }
        }
        return 0;
    }

    /**
     * LayerNorm's epsilon: a LayerNormalization node's attribute, or the scalar constant added to the variance
     * just before a Sqrt in the decomposed form; {@code absent} when neither is present.
     */
    public float layerNormEpsilon(float absent) {
        List<Float> found = layerNormEpsilons();
        return found.isEmpty() ? absent : found.get(0);
    }

    /**
     * Fails unless every LayerNorm of the export uses {@code expected} (to float precision): a model whose
     * LayerNorms have a fixed epsilon would otherwise load without complaint and compute different outputs.
     *
     * @throws IllegalArgumentException naming the file, the epsilon found and the one {@code model} uses
     */
    public void requireLayerNormEpsilon(float expected, String model) {
        for (float eps : layerNormEpsilons()) {
            if (Math.abs(eps - expected) > 1e-6f * expected) {
                throw new IllegalArgumentException(importer + ": " + onnx.file() + " normalises with LayerNorm epsilon "
                        + eps + " but " + model + " uses " + expected + "; its outputs would differ");
            }
        }
    }

    /** Every LayerNorm epsilon in the graph, in node order (see {@link #layerNormEpsilon}). */
    private List<Float> layerNormEpsilons() {
        List<Float> found = new ArrayList<>();
        for (OnnxNode node : graph.nodes()) {
            if (node.opType().equals("LayerNormalization")) {
                found.add(node.floatAttribute("epsilon", 1e-5f));
            } else if (node.opType().equals("Add") && consumers(node.outputs().get(0)).stream()
                    .anyMatch(next -> next.opType().equals("Sqrt"))) {
                for (String input : node.inputs()) {
                    Tensor eps = constant(input);
                    if (eps != null && eps.numel() == 1 && eps.dtype() == DType.FLOAT32) {
                        found.add(eps.toFloatArray()[0]);
                    }
                }
            }
        }
        return found;
    }
}
