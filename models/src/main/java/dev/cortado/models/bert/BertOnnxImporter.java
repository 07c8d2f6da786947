package dev.cortado.models.bert;

import dev.cortado.models.onnx.OnnxImportReport;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.models.onnx.OnnxWeightMapper;
import java.util.Map;
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
 * {@code [in, out]}; {@link OnnxWeightMapper} places it by the graph around it (the bias its product meets,
 * or the node scope {@code /encoder/layer.0/attention/self/query/MatMul}) and transposes it back. The
 * pooler's weights are ignored: BertModel has no pooler.
 *
 * <p>The configuration is read from the weights (vocabulary, width, layers, MLP width, positions, token
 * types), the attention head count from the constant head dimensions of the Reshape that splits heads
 * ({@code [B, L, heads, headSize]}), and the LayerNorm epsilon from the constant added before its Sqrt (or
 * a LayerNormalization node); pass a {@link BertConfig} to skip inference.
 */
public final class BertOnnxImporter {
    private static final String NAME = "BertOnnxImporter";
    private static final Map<String, String> SKIPPED =
            Map.of("pooler.", "BertModel has no pooler; sentence embeddings mean-pool the hidden states");

    /** The loaded encoder (in eval mode), the configuration it was built with, and the import report. */
    public record Result<M extends BertModel>(M model, BertConfig config, OnnxImportReport report) {
    }

    private BertOnnxImporter() {
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
        OnnxWeightMapper mapper = new OnnxWeightMapper(onnx, NAME, SKIPPED);
        BertConfig used = config != null ? config : inferConfig(mapper, onnx);
        M model = factory.apply(used);
        model.eval();
        OnnxImportReport report = mapper.load(model, "BertModel " + used, Map.of(), strict);
        return new Result<>(model, used, report);
    }

    // ------------------------------------------------------------ configuration

    private static BertConfig inferConfig(OnnxWeightMapper mapper, OnnxModel onnx) {
        int[] words = mapper.shape("embeddings.word_embeddings.weight", 2);
        int hidden = words[1];
        int layers = mapper.blockCount("encoder.layer.");
        if (layers == 0) {
            throw new IllegalArgumentException(NAME + ": " + onnx.file() + " has no encoder.layer.N weights");
        }
        int intermediate = mapper.shape("encoder.layer.0.intermediate.dense.weight", 2)[0];
        int positions = mapper.shape("embeddings.position_embeddings.weight", 2)[0];
        int types = mapper.shape("embeddings.token_type_embeddings.weight", 2)[0];
        int heads = heads(hidden, mapper, onnx);
        return new BertConfig(words[0], hidden, layers, heads, intermediate, positions, types,
                mapper.layerNormEpsilon(1e-12f), 0.1f);
    }

    /**
     * The head count: the Reshape that splits heads has a target shape ending in constants
     * {@code [..., heads, headSize]} with {@code heads × headSize = hidden} (a constant shape, or a Concat
     * of dynamic batch/length and constant head dimensions).
     */
    private static int heads(int hidden, OnnxWeightMapper mapper, OnnxModel onnx) {
        for (OnnxNode node : onnx.graph().nodes()) {
            if (!node.opType().equals("Reshape") || node.inputs().size() < 2) {
                continue;
            }
            Long[] target = mapper.shapeConstants(node.inputs().get(1));
            int n = target == null ? 0 : target.length;
            if (n >= 2 && target[n - 2] != null && target[n - 1] != null && target[n - 2] > 1
                    && target[n - 2] * target[n - 1] == hidden) {
                return Math.toIntExact(target[n - 2]);
            }
        }
        throw new IllegalArgumentException(NAME + ": cannot infer the attention head count of "
                + onnx.file() + ": no Reshape to [..., heads, headSize] with constant head dimensions (pass a BertConfig)");
    }
}
