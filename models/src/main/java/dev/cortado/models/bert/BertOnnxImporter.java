package dev.cortado.models.bert;

import dev.cortado.models.onnx.OnnxGraph;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.models.onnx.OnnxTensor;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Loads a BERT-style encoder exported to ONNX by {@code torch.onnx.export} (all-MiniLM-L6-v2, bge-small, ...)
 * into Cortado's {@link BertModel}:
 * <pre>{@code
 * BertOnnxImporter.Result<BertModel> imported = BertOnnxImporter.load(OnnxModel.load(file), null, true);
 * Variable hidden = imported.model().forward(ids, typeIds, mask);
 * // a subclass, built once from the (inferred) configuration and filled in place:
 * BertTextEncoder encoder = BertOnnxImporter.load(onnx, null, true, c -> new BertTextEncoder(c, tokenizer, 0)).model();
 * }</pre>
 *
 * <p>The exporter keeps Hugging Face's names for most initializers ({@code embeddings.*}, biases, LayerNorm
 * weights), but a {@code Linear} weight becomes an anonymous {@code onnx::MatMul_NNN} stored transposed,
 * {@code [in, out]}. Such an initializer is placed by the graph around it: the key is the bias name of the
 * {@code Add} that consumes the MatMul's output with {@code .bias} replaced by {@code .weight}, or else the
 * node's scope ({@code /encoder/layer.0/attention/self/query/MatMul} → {@code encoder.layer.0.attention.self.query})
 * plus the input's role (MatMul/Gemm B → weight, Gemm C → bias, LayerNormalization scale/bias, Gather
 * table → weight); MatMul weights (and Gemm weights without {@code transB}) are transposed to {@code [out, in]}.
 *
 * <p>The configuration is read from the weights (vocabulary, width, layers, MLP width, positions, token
 * types), the attention head count from the constant head dimensions of the Reshape that splits heads
 * ({@code [B, L, heads, headSize]}), and the LayerNorm epsilon from the constant added before its Sqrt (or
 * a LayerNormalization node); pass a {@link BertConfig} to skip inference.
 */
public final class BertOnnxImporter {
    private static final String POOLER = "pooler.";

    /** The loaded encoder (in eval mode), the configuration it was built with, and the import report. */
    public record Result<M extends BertModel>(M model, BertConfig config, OnnxImportReport report) {
    }

    private final OnnxGraph graph;
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();
    private final Map<String, OnnxNode> producers = new HashMap<>();

    private BertOnnxImporter(OnnxGraph graph) {
        this.graph = graph;
        for (OnnxNode node : graph.nodes()) {
            for (String input : node.inputs()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
            for (String output : node.outputs()) {
                producers.put(output, node);
            }
        }
    }

    /**
     * Builds a {@link BertModel} from an ONNX export. {@code config} null infers it from the graph. Strict
     * loads fail when the report is not {@link OnnxImportReport#clean() clean}; otherwise unfilled keys keep
     * their random initialisation and the report says which.
     *
     * @throws IllegalArgumentException naming the file and carrying the whole report
     */
    public static Result<BertModel> load(OnnxModel onnx, BertConfig config, boolean strict) {
        return load(onnx, config, strict, used -> new BertModel(used, 0));
    }

    /**
     * As {@link #load(OnnxModel, BertConfig, boolean)}, into the model that {@code factory} builds from the
     * configuration (given, or inferred from the graph): a {@link BertModel} subclass is built once and filled
     * in place, with no second copy of the weights. Its state-dict keys and shapes are checked as BertModel's.
     */
    public static <M extends BertModel> Result<M> load(OnnxModel onnx, BertConfig config, boolean strict,
                                                       Function<BertConfig, M> factory) {
        BertOnnxImporter importer = new BertOnnxImporter(onnx.graph());
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> unmapped = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        Map<String, Tensor> values = importer.stateDict(sources, unmapped, ignored, mismatches);
        BertConfig used = config != null ? config : importer.inferConfig(values, onnx);
        M model = factory.apply(used);
        model.eval();

        Map<String, Tensor> own = model.stateDict();
        Map<String, Tensor> accepted = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            Tensor target = own.get(key);
            if (target == null) {
                unmapped.add(sources.get(key) + " → " + key + " (BertModel has no such key)");
            } else if (!Arrays.equals(target.shape(), value.shape())) {
                mismatches.add(key + ": model " + Arrays.toString(target.shape()) + " vs onnx " + sources.get(key)
                        + " " + Arrays.toString(value.shape()));
            } else {
                accepted.put(key, value);
            }
        });
        List<String> unfilled = own.keySet().stream().filter(key -> !accepted.containsKey(key)).toList();
        Map<String, String> mapped = new TreeMap<>();
        accepted.keySet().forEach(key -> mapped.put(key, sources.get(key)));
        OnnxImportReport report = new OnnxImportReport(mapped, unmapped, unfilled, mismatches, ignored);
        if (strict && !report.clean()) {
            throw new IllegalArgumentException("BertOnnxImporter: " + onnx.file() + " does not fit BertModel "
                    + used + ": " + report);
        }
        model.loadStateDict(accepted, false);
        return new Result<>(model, used, report);
    }

    /** Every floating-point initializer placed under a state-dict key (weights as {@code [out, in]}). */
    private Map<String, Tensor> stateDict(Map<String, String> sources, List<String> unmapped, List<String> ignored,
            List<String> mismatches) {
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (OnnxTensor init : graph.initializers().values()) {
            String name = init.name();
            if (init.values().dtype() != DType.FLOAT32) {
                ignored.add(name + " (" + init.dataType() + ": a shape or index constant, not a weight)");
                continue;
            }
            if (init.values().numel() == 1) {
                ignored.add(name + " (a scalar constant, e.g. a LayerNorm epsilon or the attention scale)");
                continue;
            }
            if (name.startsWith(POOLER)) {
                ignored.add(name + " (BertModel has no pooler; sentence embeddings mean-pool the hidden states)");
                continue;
            }
            // Hugging Face names are kept as they are; exporter-made names (onnx::MatMul_885, /scope/...) are placed.
            boolean named = name.contains(".") && !name.startsWith("onnx::") && !name.startsWith("/");
            Placement placement = named ? new Placement(name, false) : place(name);
            if (placement == null) {
                unmapped.add(name + " " + Arrays.toString(init.shape()) + " (no consumer that identifies it)");
                continue;
            }
            Tensor value = init.values();
            if (placement.transposed()) {
                if (value.dim() != 2) {
                    unmapped.add(name + " " + Arrays.toString(init.shape()) + " (a MatMul weight that is not 2-D)");
                    continue;
                }
                value = value.transpose(0, 1).contiguous();
            }
            String source = name + (placement.transposed() ? " (transposed)" : "");
            if (values.containsKey(placement.key())) {
                mismatches.add(placement.key() + ": claimed by both " + sources.get(placement.key()) + " and " + source);
                continue;
            }
            values.put(placement.key(), value);
            sources.put(placement.key(), source);
        }
        return values;
    }

    /** A state-dict key and whether the ONNX tensor is the transpose of the PyTorch one. */
    private record Placement(String key, boolean transposed) {
    }

    /** Places an anonymous initializer by the first node that consumes it in a recognised role. */
    private Placement place(String initializer) {
        for (OnnxNode node : consumers.getOrDefault(initializer, List.of())) {
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
        for (OnnxNode add : consumers.getOrDefault(node.outputs().get(0), List.of())) {
            if (add.opType().equals("Add")) {
                biasCandidates.addAll(add.inputs());
            }
        }
        for (String bias : biasCandidates) {
            if (bias.endsWith(".bias") && graph.initializers().containsKey(bias)) {
                return new Placement(bias.substring(0, bias.length() - ".bias".length()) + ".weight", transposed);
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

    // ------------------------------------------------------------ configuration

    private BertConfig inferConfig(Map<String, Tensor> values, OnnxModel onnx) {
        int[] words = shapeOf(values, "embeddings.word_embeddings.weight", onnx);
        int hidden = words[1];
        int layers = 0;
        for (String key : values.keySet()) {
            if (key.startsWith("encoder.layer.")) {
                String rest = key.substring("encoder.layer.".length());
                layers = Math.max(layers, Integer.parseInt(rest.substring(0, rest.indexOf('.'))) + 1);
            }
        }
        if (layers == 0) {
            throw new IllegalArgumentException("BertOnnxImporter: " + onnx.file() + " has no encoder.layer.N weights");
        }
        int intermediate = shapeOf(values, "encoder.layer.0.intermediate.dense.weight", onnx)[0];
        int positions = shapeOf(values, "embeddings.position_embeddings.weight", onnx)[0];
        int types = shapeOf(values, "embeddings.token_type_embeddings.weight", onnx)[0];
        int heads = heads(hidden, onnx);
        return new BertConfig(words[0], hidden, layers, heads, intermediate, positions, types, epsilon(), 0.1f);
    }

    private static int[] shapeOf(Map<String, Tensor> values, String key, OnnxModel onnx) {
        Tensor value = values.get(key);
        if (value == null || value.dim() != 2) {
            throw new IllegalArgumentException("BertOnnxImporter: cannot infer the configuration of " + onnx.file()
                    + ": no 2-D initializer for " + key + " (pass a BertConfig)");
        }
        return value.shape();
    }

    /**
     * The head count: the Reshape that splits heads has a target shape ending in constants
     * {@code [..., heads, headSize]} with {@code heads × headSize = hidden} (a constant shape, or a Concat
     * of dynamic batch/length and constant head dimensions).
     */
    private int heads(int hidden, OnnxModel onnx) {
        for (OnnxNode node : graph.nodes()) {
            if (!node.opType().equals("Reshape") || node.inputs().size() < 2) {
                continue;
            }
            Long[] target = shapeConstants(node.inputs().get(1));
            int n = target == null ? 0 : target.length;
            if (n >= 2 && target[n - 2] != null && target[n - 1] != null && target[n - 2] > 1
                    && target[n - 2] * target[n - 1] == hidden) {
                return Math.toIntExact(target[n - 2]);
            }
        }
        throw new IllegalArgumentException("BertOnnxImporter: cannot infer the attention head count of "
                + onnx.file() + ": no Reshape to [..., heads, headSize] with constant head dimensions (pass a BertConfig)");
    }

    /** The entries of a 1-D shape value that are constants (null where computed at run time). */
    private Long[] shapeConstants(String value) {
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

    /** The value of an initializer or Constant node output, or null when computed at run time. */
    private Tensor constant(String value) {
        OnnxTensor init = graph.initializers().get(value);
        if (init != null) {
            return init.values();
        }
        OnnxNode producer = producers.get(value);
        return producer != null && producer.opType().equals("Constant") && producer.hasAttribute("value")
                ? producer.tensorAttribute("value").values() : null;
    }

    /**
     * LayerNorm's epsilon: a LayerNormalization node's attribute, or the scalar constant added to the variance
     * just before a Sqrt in the decomposed form; 1e-12 (BERT's) when neither is present.
     */
    private float epsilon() {
        for (OnnxNode node : graph.nodes()) {
            if (node.opType().equals("LayerNormalization")) {
                return node.floatAttribute("epsilon", 1e-5f);
            }
            if (node.opType().equals("Add") && consumers.getOrDefault(node.outputs().get(0), List.of()).stream()
                    .anyMatch(next -> next.opType().equals("Sqrt"))) {
                for (String input : node.inputs()) {
                    Tensor eps = constant(input);
                    if (eps != null && eps.numel() == 1 && eps.dtype() == DType.FLOAT32) {
                        return eps.toFloatArray()[0];
                    }
                }
            }
        }
        return 1e-12f;
    }
}
