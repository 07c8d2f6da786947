package dev.cortado.models.onnx;

import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs ONNX backend test cases (a directory with {@code model.onnx} and {@code test_data_set_N/input_K.pb},
 * {@code output_K.pb}, as in ONNX's own repository and Debian's libonnx-testdata) through {@link OnnxModule}.
 *
 * <p>A case passes when every output has the expected shape and every element satisfies
 * {@code |actual - expected| ≤ ATOL + RTOL·|expected|} (NaN matches NaN), with ONNX's backend-test
 * tolerances rtol = 1e-3 and atol = 1e-7 for float outputs (int and bool outputs must match exactly). A case
 * whose graph uses an operator, attribute variant or type Cortado does not support is skipped; any other
 * exception is a failure carrying its message, so one bad case never stops the run.
 */
public final class Conformance {
    public static final double RTOL = 1e-3;
    public static final double ATOL = 1e-7;

    /** What happened to one case. */
    public enum Status {
        PASSED, FAILED, SKIPPED
    }

    /**
     * @param name     the case directory's name
     * @param status   the outcome
     * @param maxError the largest |actual - expected| over all outputs (NaN when not compared)
     * @param message  why it failed or was skipped; "" when it passed
     */
    public record CaseResult(String name, Status status, double maxError, String message) {
    }

    /** All cases' results and the totals. */
    public record Report(List<CaseResult> cases) {
        public long count(Status status) {
            return cases.stream().filter(c -> c.status() == status).count();
        }

        /** "N passed, N failed, N skipped". */
        public String summary() {
            return count(Status.PASSED) + " passed, " + count(Status.FAILED) + " failed, " + count(Status.SKIPPED)
                    + " skipped";
        }
    }

    private Conformance() {
    }

    /** Every case directory under {@code roots} (a root may itself be a case), sorted by path. */
    public static List<Path> findCases(List<Path> roots) {
        List<Path> cases = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().forEach(cases::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list ONNX test cases under " + root, e);
            }
        }
        return cases;
    }

    /** Runs every case under {@code roots}. */
    public static Report run(List<Path> roots) {
        return new Report(findCases(roots).stream().map(Conformance::runCase).toList());
    }

    /** Runs one case directory; never throws. */
    public static CaseResult runCase(Path dir) {
        String name = dir.getFileName().toString();
        OnnxModule module;
        try {
            module = new OnnxModule(OnnxModel.load(dir.resolve("model.onnx")));
        } catch (UnsupportedOnnxOpException e) {
            return new CaseResult(name, Status.SKIPPED, Double.NaN, String.join("; ", e.problems()));
        } catch (RuntimeException e) {
            return new CaseResult(name, Status.FAILED, Double.NaN, "load: " + e);
        }
        try (Stream<Path> sets = Files.list(dir)) {
            double maxError = 0;
            for (Path set : sets.filter(p -> p.getFileName().toString().startsWith("test_data_set")).sorted().toList()) {
                maxError = Math.max(maxError, runDataSet(module, set));
            }
            return new CaseResult(name, Status.PASSED, maxError, "");
        } catch (Mismatch e) {
            return new CaseResult(name, Status.FAILED, e.maxError, e.getMessage());
        } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return new CaseResult(name, Status.FAILED, Double.NaN, e.toString());
        }
    }

    private static double runDataSet(OnnxModule module, Path set) {
        List<OnnxValueInfo> declared = module.graph().runtimeInputs();
        Map<String, Variable> inputs = new HashMap<>();
        for (int i = 0; i < declared.size(); i++) {
            Path file = set.resolve("input_" + i + ".pb");
            if (Files.exists(file)) {
                inputs.put(declared.get(i).name(), Variable.constant(OnnxTensors.readTensorProto(file).values()));
            }
        }
        Map<String, Variable> outputs;
        try (var scope = NoGrad.enter()) {
            outputs = module.run(inputs);
        }
        double maxError = 0;
        int k = 0;
        for (Map.Entry<String, Variable> output : outputs.entrySet()) {
            Tensor expected = OnnxTensors.readTensorProto(set.resolve("output_" + k++ + ".pb")).values();
            maxError = Math.max(maxError, compare(set.getFileName() + " output '" + output.getKey() + "'",
                    output.getValue().data(), expected));
        }
        return maxError;
    }

    /** The largest absolute difference; a {@link Mismatch} when shapes, types or tolerances disagree. */
    static double compare(String what, Tensor actual, Tensor expected) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            throw new Mismatch(what + ": shape " + Shapes.str(actual.shape()) + ", expected "
                    + Shapes.str(expected.shape()), Double.NaN);
        }
        if (actual.dtype() != expected.dtype()) {
            throw new Mismatch(what + ": type " + actual.dtype() + ", expected " + expected.dtype(), Double.NaN);
        }
        double[] a = asDoubles(what, actual);
        double[] e = asDoubles(what, expected);
        boolean exact = expected.dtype() != DType.FLOAT32;
        double maxError = 0;
        int worst = -1;
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(a[i]) && Double.isNaN(e[i]) || a[i] == e[i]) {
                continue;
            }
            double error = Math.abs(a[i] - e[i]);
            if (Double.isNaN(error) || error > maxError) {
                maxError = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
            }
            if (Double.isNaN(error) || exact || error > ATOL + RTOL * Math.abs(e[i])) {
                worst = worst < 0 ? i : worst;
            }
        }
        if (worst >= 0) {
            throw new Mismatch(what + ": max error " + maxError + " (first bad element " + worst + ": "
                    + a[worst] + " vs " + e[worst] + ")", maxError);
        }
        return maxError;
    }

    private static double[] asDoubles(String what, Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> {
                float[] f = t.toFloatArray();
                double[] d = new double[f.length];
                Arrays.setAll(d, i -> f[i]);
                yield d;
            }
            case INT64 -> Arrays.stream(t.toLongArray()).asDoubleStream().toArray();
            case BOOL -> {
                boolean[] b = t.toBooleanArray();
                double[] d = new double[b.length];
                Arrays.setAll(d, i -> b[i] ? 1 : 0);
                yield d;
            }
        };
    }

    /** An output that disagrees with the expected one. */
    private static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final double maxError;

        Mismatch(String message, double maxError) {
            super(message);
            this.maxError = maxError;
        }
    }
}
