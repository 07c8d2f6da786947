package dev.cortado.models.onnx;

import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.ops.OnnxOpRegistry;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.Init;
import dev.cortado.nn.LoRAAdapter;
import dev.cortado.nn.Module;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph run as a Cortado module: every node executes with Cortado's differentiable ops, so the
 * graph's float initializers are trainable parameters (freeze, unfreeze, optimise, save as a state dict) and
 * its int64/bool initializers and Constant outputs are constants.
 *
 * <p>Parameter names are the ONNX names with every character outside {@code [A-Za-z0-9_]} replaced by
 * {@code _} (made unique with a numeric suffix); {@link #parameter(String)} maps an ONNX name to its
 * parameter. At construction the graph is checked: nodes must be in topological order, and every node's
 * operator must be supported (in the default domain, from its first supported opset, with the attribute
 * variant handled) — otherwise one {@link UnsupportedOnnxOpException} lists every offending node.
 * {@link OnnxLoRA} adds low-rank adapters to MatMul/Gemm weights.
 *
 * <pre>{@code
 * OnnxModule m = new OnnxModule(OnnxModel.load(Path.of("model.onnx")));
 * Map<String, Variable> out = m.run(Map.of("input", Variable.constant(x)));
 * }</pre>
 */
public final class OnnxModule extends Module {
    private final OnnxGraph graph;
    private final long opset;
    private final List<OnnxOpRegistry.Entry> ops;
    private final Map<String, Variable> constants = new HashMap<>();
    private final Map<String, Variable> parametersByOnnxName = new LinkedHashMap<>();
    private final Map<String, LoRAAdapter> adapters = new LinkedHashMap<>();

    /** The model's graph with its default-domain opset. */
    public OnnxModule(OnnxModel model) {
        this(model.graph(), model.opsetVersion(""), OnnxOpRegistry.standard());
    }

    /**
     * @param graph    the graph to run
     * @param opset    the default-domain opset version the graph was written for
     * @param registry the operator implementations
     */
    public OnnxModule(OnnxGraph graph, long opset, OnnxOpRegistry registry) {
        this.graph = graph;
        this.opset = opset;
        this.ops = resolve(graph, opset, registry);
        checkOrder(graph);
        Set<String> used = new HashSet<>();
        for (OnnxTensor initializer : graph.initializers().values()) {
            Tensor values = initializer.values();
            if (values.dtype() == DType.FLOAT32) {
                Variable parameter = registerParameter(uniqueName(initializer.name(), used), values);
                parametersByOnnxName.put(initializer.name(), parameter);
            } else {
                constants.put(initializer.name(), Variable.constant(values));
            }
        }
    }

    private static List<OnnxOpRegistry.Entry> resolve(OnnxGraph graph, long opset, OnnxOpRegistry registry) {
        List<String> problems = new ArrayList<>();
        for (OnnxValueInfo value : graph.runtimeInputs()) {
            checkType("input", value, problems);
        }
        for (OnnxValueInfo value : graph.outputs()) {
            checkType("output", value, problems);
        }
        List<OnnxOpRegistry.Entry> entries = new ArrayList<>();
        for (OnnxNode node : graph.nodes()) {
            OnnxOpRegistry.Entry entry = registry.get(node.domain(), node.opType());
            String refusal;
            if (entry == null) {
                refusal = "not supported";
            } else if (opset < entry.sinceOpset()) {
                refusal = "opset " + opset + " (supported from " + entry.sinceOpset() + ")";
            } else {
                refusal = refusal(entry, node, opset);
            }
            if (refusal != null) {
                problems.add(node.describe() + ": " + refusal);
            }
            entries.add(entry);
        }
        if (!problems.isEmpty()) {
            throw new UnsupportedOnnxOpException(graph.name(), problems);
        }
        return entries;
    }

    private static String refusal(OnnxOpRegistry.Entry entry, OnnxNode node, long opset) {
        try {
            return entry.op().refusal(node, opset);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static void checkType(String what, OnnxValueInfo value, List<String> problems) {
        if (value.kind() != OnnxValueInfo.Kind.TENSOR && value.kind() != OnnxValueInfo.Kind.UNKNOWN) {
            problems.add(what + " '" + value.name() + "': " + value.kind() + " values are not supported");
        } else if (value.elementType() == OnnxDataType.BFLOAT16 || value.elementType() != OnnxDataType.UNDEFINED
                && !value.elementType().isSupported()) {
            problems.add(what + " '" + value.name() + "': element type " + value.elementType() + " is not supported");
        }
    }

    /** Every node input must be a graph input, an initializer or an earlier node's output. */
    private static void checkOrder(OnnxGraph graph) {
        Set<String> known = new HashSet<>(graph.initializers().keySet());
        graph.inputs().forEach(input -> known.add(input.name()));
        for (OnnxNode node : graph.nodes()) {
            for (String input : node.inputs()) {
                if (!input.isEmpty() && !known.contains(input)) {
                    throw new IllegalArgumentException("ONNX graph '" + graph.name() + "': " + node.describe()
                            + " reads '" + input + "' before any node produces it (graph not topologically sorted"
                            + " or value missing)");
                }
            }
            known.addAll(node.outputs());
        }
    }

    private static String uniqueName(String onnxName, Set<String> used) {
        String base = onnxName.replaceAll("[^A-Za-z0-9_]", "_");
        if (base.isEmpty()) {
            base = "param";
        }
        String name = base;
        for (int i = 1; !used.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** The parameter holding the float initializer {@code onnxName}. */
    public Variable parameter(String onnxName) {
        Variable parameter = parametersByOnnxName.get(onnxName);
        if (parameter == null) {
            throw new IllegalArgumentException(path() + ": no float initializer '" + onnxName + "'");
        }
        return parameter;
    }

    /** ONNX initializer name → parameter, in file order. */
    public Map<String, Variable> parametersByOnnxName() {
        return Collections.unmodifiableMap(parametersByOnnxName);
    }

    /**
     * Adds a LoRA adapter to the float initializer {@code onnxName} (see {@link OnnxLoRA}): registers
     * {@code <parameter>_lora_A [r, in]} (Kaiming-uniform), {@code <parameter>_lora_B [out, r]} (zeros) and the
     * child {@code <parameter>_lora_dropout}; every MatMul/Gemm reading the initializer as its weight then runs it.
     */
    LoRAAdapter addLoRA(String onnxName, boolean weightInOut, int rank, float alpha, float dropout, long seed) {
        Variable weight = parameter(onnxName);
        if (adapters.containsKey(onnxName)) {
            throw new IllegalArgumentException(path() + ": initializer '" + onnxName + "' already has a LoRA adapter");
        }
        String name = parameterName(onnxName);
        int in = weight.size(weightInOut ? 0 : 1);
        int out = weight.size(weightInOut ? 1 : 0);
        Dropout drop = new Dropout(dropout, Init.derive(seed, 1));
        Variable a = registerParameter(name + "_lora_A", LoRAAdapter.initialA(rank, in, Init.derive(seed, 0)));
        Variable b = registerParameter(name + "_lora_B", Tensor.zeros(out, rank));
        registerModule(name + "_lora_dropout", drop);
        LoRAAdapter adapter = new LoRAAdapter(this, "LoRA on '" + onnxName + "'", weight, weightInOut, alpha, a, b, drop);
        adapters.put(onnxName, adapter);
        return adapter;
    }

    /** ONNX initializer name → its LoRA adapter, for the initializers that have one. */
    public Map<String, LoRAAdapter> adapters() {
        return Collections.unmodifiableMap(adapters);
    }

    /** The state-dict key of the float initializer {@code onnxName}. */
    public String parameterName(String onnxName) {
        Variable parameter = parameter(onnxName);
        return namedParameters().entrySet().stream().filter(e -> e.getValue() == parameter).findFirst()
                .orElseThrow().getKey();
    }

    /**
     * Runs the graph. Inputs are given by graph input name; every runtime input is required, its dtype
     * and fixed dimensions are checked against the graph's declaration.
     *
     * @return the graph outputs by name, in the graph's order
     */
    public Map<String, Variable> run(Map<String, Variable> inputs) {
        Map<String, Variable> env = new HashMap<>(constants);
        env.putAll(parametersByOnnxName);
        for (OnnxValueInfo declared : graph.runtimeInputs()) {
            Variable value = inputs.get(declared.name());
            if (value == null) {
                throw new IllegalArgumentException(path() + ": missing input '" + declared.name() + "'; expected "
                        + graph.runtimeInputs().stream().map(OnnxValueInfo::name).toList());
            }
            checkInput(declared, value);
            env.put(declared.name(), value);
        }
        for (int i = 0; i < graph.nodes().size(); i++) {
            OnnxNode node = graph.nodes().get(i);
            List<Variable> args = new ArrayList<>(node.inputs().size());
            for (String name : node.inputs()) {
                args.add(name.isEmpty() ? null : env.get(name));
            }
            List<Variable> results;
            try {
                results = ops.get(i).op().apply(node, args, opset);
            } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
                throw new IllegalArgumentException(path() + ": " + node.describe() + " failed for inputs "
                        + describe(args) + ": " + e.getMessage(), e);
            }
            LoRAAdapter adapter = adapters.isEmpty() ? null : adapters.get(OnnxLoRA.weightName(node));
            if (adapter != null) {
                results = List.of(adapter.addTo(results.get(0), OnnxLoRA.adapterInput(node, args.get(0))));
            }
            for (int o = 0; o < node.outputs().size() && o < results.size(); o++) {
                if (!node.outputs().get(o).isEmpty()) {
                    env.put(node.outputs().get(o), results.get(o));
                }
            }
        }
        Map<String, Variable> outputs = new LinkedHashMap<>();
        for (OnnxValueInfo output : graph.outputs()) {
            Variable value = env.get(output.name());
            if (value == null) {
                throw new IllegalArgumentException(path() + ": graph output '" + output.name() + "' was not computed");
            }
            outputs.put(output.name(), value);
        }
        return outputs;
    }

    private void checkInput(OnnxValueInfo declared, Variable value) {
        Tensor t = value.data();
        if (declared.elementType() != OnnxDataType.UNDEFINED && declared.elementType().isSupported()
                && declared.elementType().cortadoType() != t.dtype()) {
            throw new IllegalArgumentException(path() + ": input '" + declared.name() + "' must be "
                    + declared.elementType() + " (" + declared.elementType().cortadoType() + "), got " + t.dtype());
        }
        if (!declared.shapeKnown()) {
            return;
        }
        boolean ok = declared.shape().size() == t.dim();
        for (int d = 0; ok && d < t.dim(); d++) {
            OnnxValueInfo.Dim dim = declared.shape().get(d);
            ok = !dim.isFixed() || dim.value() == t.size(d);
        }
        if (!ok) {
            throw new IllegalArgumentException(path() + ": input '" + declared.name() + "' must have shape "
                    + declared.shape() + ", got " + Shapes.str(t.shape()));
        }
    }

    private static String describe(List<Variable> args) {
        return args.stream().map(v -> v == null ? "-" : v.data().dtype() + Shapes.str(v.shape())).toList().toString();
    }

    /** The graph this module runs. */
    public OnnxGraph graph() {
        return graph;
    }

    @Override
    protected String extraRepr() {
        return "graph=" + graph.name() + ", nodes=" + graph.nodes().size() + ", opset=" + opset;
    }
}
