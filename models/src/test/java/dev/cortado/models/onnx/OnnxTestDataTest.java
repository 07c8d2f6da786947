package dev.cortado.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Parses every model and test tensor of ONNX's own backend test cases (Debian package libonnx-testdata,
 * installed by bin/test): each model.onnx loads, and each input_N.pb / output_N.pb of a tensor value decodes
 * to the element type and (fixed) dimensions the model declares for it.
 */
class OnnxTestDataTest {
    private static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");
    /**
     * Where the package's own data disagrees with its model (checked with the onnx Python package): the
     * CastLike cases store their "like" input with dims [1] while the model declares [3, 4].
     */
    private static final List<String> KNOWN_MISMATCHES = Stream.of("BFLOAT16_to_FLOAT", "BFLOAT16_to_FLOAT_expanded",
            "FLOAT_to_BFLOAT16", "FLOAT_to_BFLOAT16_expanded")
            .map(c -> "test_castlike_" + c + "/test_data_set_0/input_1.pb: declared [3, 4], read [1]").toList();

    @Test
    void everyBackendTestModelAndTensorParses() throws IOException {
        assumeTrue(Files.isDirectory(DATA.resolve("node")),
                DATA + " is missing: apt-get install libonnx-testdata (bin/test does)");
        List<Path> cases = new ArrayList<>();
        for (String suite : List.of("node", "pytorch-converted", "pytorch-operator", "simple")) {
            try (Stream<Path> dirs = Files.list(DATA.resolve(suite))) {
                dirs.filter(dir -> Files.isRegularFile(dir.resolve("model.onnx"))).sorted().forEach(cases::add);
            }
        }
        int tensors = 0;
        int unsupported = 0;
        List<String> mismatches = new ArrayList<>();
        for (Path dir : cases) {
            OnnxModel model = OnnxModel.load(dir.resolve("model.onnx"));
            List<Path> sets;
            try (Stream<Path> list = Files.list(dir)) {
                sets = list.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
            }
            for (Path set : sets) {
                for (String prefix : List.of("input", "output")) {
                    List<OnnxValueInfo> declared = prefix.equals("input")
                            ? model.graph().runtimeInputs() : model.graph().outputs();
                    for (int i = 0; i < declared.size(); i++) {
                        Path pb = set.resolve(prefix + "_" + i + ".pb");
                        OnnxValueInfo info = declared.get(i);
                        if (!Files.exists(pb) || info.kind() != OnnxValueInfo.Kind.TENSOR) {
                            continue; // an omitted optional input, or a sequence/optional stored as another proto
                        }
                        if (!info.elementType().isSupported()) {
                            OnnxFormatException e = assertThrows(OnnxFormatException.class,
                                    () -> OnnxTensors.readTensorProto(pb));
                            assertTrue(e.getMessage().contains("cannot hold"), e.getMessage());
                            unsupported++;
                            continue;
                        }
                        String mismatch = mismatch(info, OnnxTensors.readTensorProto(pb));
                        if (mismatch != null) {
                            mismatches.add(dir.getFileName() + "/" + set.getFileName() + "/" + pb.getFileName() + ": "
                                    + mismatch);
                        }
                        tensors++;
                    }
                }
            }
        }
        assertEquals(KNOWN_MISMATCHES, mismatches);
        System.out.println("libonnx-testdata: " + cases.size() + " models loaded, " + tensors
                + " test tensors decoded, " + unsupported + " string tensors refused as expected");
        assertTrue(cases.size() >= 1000, cases.size() + " cases");
        assertTrue(tensors > 2500, tensors + " tensors decoded");
        assertTrue(unsupported < 50, unsupported + " string/complex tensors");
    }

    /** Why the decoded tensor disagrees with the declared type and fixed dims, or null. */
    private static String mismatch(OnnxValueInfo declared, OnnxTensor tensor) {
        // numpy has no bfloat16: ONNX 1.12 wrote the BFLOAT16 test tensors as their UINT16 bit patterns.
        boolean bfloat16Bits = declared.elementType() == OnnxDataType.BFLOAT16
                && tensor.dataType() == OnnxDataType.UINT16;
        if (!bfloat16Bits && (declared.elementType() != tensor.dataType()
                || declared.elementType().cortadoType() != tensor.values().dtype())) {
            return "declared " + declared.elementType() + ", read " + tensor.dataType() + " as "
                    + tensor.values().dtype();
        }
        if (!declared.shapeKnown()) {
            return null;
        }
        int[] shape = tensor.shape();
        boolean agree = declared.shape().size() == shape.length;
        for (int d = 0; agree && d < shape.length; d++) {
            OnnxValueInfo.Dim dim = declared.shape().get(d);
            agree = !dim.isFixed() || dim.value() == shape[d];
        }
        return agree ? null : "declared " + declared.shape() + ", read " + java.util.Arrays.toString(shape);
    }
}
