package dev.cortado.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.cortado.models.onnx.proto.Onnx.GraphProto;
import dev.cortado.models.onnx.proto.Onnx.ModelProto;
import dev.cortado.models.onnx.proto.Onnx.NodeProto;
import dev.cortado.models.onnx.proto.Onnx.OperatorSetIdProto;
import dev.cortado.models.onnx.proto.Onnx.StringStringEntryProto;
import dev.cortado.models.onnx.proto.Onnx.TensorProto;
import dev.cortado.tensor.Fifos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not valid ONNX, or claim more than they hold, fail with {@link OnnxFormatException} naming
 * the file and the problem, without large allocations or hangs.
 */
class OnnxBadInputTest {
    @TempDir
    Path dir;

    private static TensorProto.Builder floats(String name, long... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(OnnxDataType.FLOAT.code());
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor;
    }

    private static TensorProto.Builder external(String location, String offset, String length) {
        TensorProto.Builder tensor = floats("w", 2, 2).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        if (offset != null) {
            tensor.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(offset));
        }
        if (length != null) {
            tensor.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(length));
        }
        return tensor;
    }

    private Path model(String fileName, TensorProto.Builder initializer) throws IOException {
        ModelProto model = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(GraphProto.newBuilder().setName("g").addInitializer(initializer)).build();
        Path file = dir.resolve(fileName);
        Files.write(file, model.toByteArray());
        return file;
    }

    private static void assertRefused(Path file, String... fragments) {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        }
    }

    @Test
    void dimensionsThatAreNegativeOverflowOrExceedTheDataAreRefusedBeforeAllocating() throws IOException {
        assertRefused(model("negative.onnx", floats("w", 2, -3).setRawData(ByteString.copyFrom(new byte[24]))),
                "tensor 'w'", "dimension 1 = -3");
        // 2^32 · 2^32 overflows a long product only if unchecked; each factor is refused as too large anyway,
        // and a product of in-range factors beyond 2^31 elements is refused as such.
        assertRefused(model("overflow.onnx", floats("w", 1L << 32, 1L << 32)), "dimension 0 = 4294967296");
        assertRefused(model("product.onnx", floats("w", 1 << 20, 1 << 20, 1 << 20)), "product exceeds");
        // A billion elements claimed, 16 bytes present: refused by comparing sizes, not by allocating 4 GB.
        assertRefused(model("claim.onnx", floats("w", 1_000_000_000L).setRawData(ByteString.copyFrom(new byte[16]))),
                "needs 4000000000 bytes of raw_data but has 16");
        assertRefused(model("short.onnx", floats("w", 2, 3).setRawData(ByteString.copyFrom(new byte[20]))),
                "needs 24 bytes of raw_data but has 20");
        assertRefused(model("typed.onnx", floats("w", 2, 3).addFloatData(1f).addFloatData(2f)),
                "has 2 values in its typed field", "needs 6");
        assertRefused(model("nodata.onnx", floats("w", 1 << 30)), "has 0 values");
    }

    @Test
    void unknownAndUnsupportedElementTypesAreNamed() throws IOException {
        assertRefused(model("string.onnx", floats("s", 1).setDataType(OnnxDataType.STRING.code())
                .addStringData(ByteString.copyFromUtf8("x"))), "tensor 's'", "STRING");
        assertRefused(model("unknown.onnx", floats("u", 1).setDataType(999)), "unknown data type code 999");
    }

    @Test
    void externalDataMustStayInsideTheModelDirectoryAndWithinTheFile() throws IOException {
        Files.write(dir.resolve("w.bin"), new byte[16]);
        Files.write(dir.getParent().resolve("outside-" + dir.getFileName() + ".bin"), new byte[16]);
        assertEquals(4, OnnxModel.load(model("ok.onnx", external("w.bin", null, null))).graph().initializer("w")
                .values().numel());

        assertRefused(model("abs.onnx", external(dir.resolve("w.bin").toString(), null, null)),
                "absolute external data location");
        assertRefused(model("dotdot.onnx", external("../outside-" + dir.getFileName() + ".bin", null, null)),
                "leaves the model's directory");
        assertRefused(model("inner.onnx", external("sub/../../x.bin", null, null)), "leaves the model's directory");
        assertRefused(model("missing.onnx", external("nope.bin", null, null)), "'nope.bin'", "does not exist");
        assertRefused(model("offset.onnx", external("w.bin", "8", null)), "reads bytes 8..24", "which has 16");
        assertRefused(model("far.onnx", external("w.bin", "9223372036854775807", null)), "which has 16");
        assertRefused(model("length.onnx", external("w.bin", "0", "12")), "needs 16 bytes", "length is 12");
        assertRefused(model("badnum.onnx", external("w.bin", "-4", null)), "offset '-4'");
        assertRefused(model("noloc.onnx", floats("w", 2).setDataLocation(TensorProto.DataLocation.EXTERNAL)),
                "without a location");

        Path link = dir.resolve("link.bin");
        Files.createSymbolicLink(link, dir.getParent().resolve("outside-" + dir.getFileName() + ".bin"));
        assertRefused(model("symlink.onnx", external("link.bin", null, null)), "links outside");
    }

    @Test
    void dequantizeLinearWithoutAnOutputGivesNoWeight() throws IOException {
        TensorProto.Builder x = TensorProto.newBuilder().setName("x").setDataType(OnnxDataType.INT8.code()).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[] {1, 2}));
        ModelProto model = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(GraphProto.newBuilder().setName("g").addInitializer(x).addInitializer(floats("s").addFloatData(0.5f))
                        .addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").addInput("x").addInput("s"))).build();
        Path file = Files.write(dir.resolve("no-output.onnx"), model.toByteArray());
        assertEquals(Map.of(), Dequantization.constantWeights(OnnxModel.load(file).graph()));
    }

    @Test
    void aFifoIsRefusedInsteadOfBlocking() throws IOException, InterruptedException {
        Path fifo = Fifos.create(dir.resolve("fifo.onnx"));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertRefused(fifo, "is not a regular file"));
    }

    @Test
    void truncatedEmptyAndNonOnnxFilesAreRefused() throws IOException {
        byte[] valid = Files.readAllBytes(OnnxModelTest.resource("dtypes.onnx"));
        // Protobuf cannot tell a cut between two top-level fields from a shorter message: once the graph and
        // the first opset import are in, such a prefix is a valid model. Every other cut (every third byte
        // tried) must be refused.
        Set<Integer> validPrefixes = topLevelFieldEnds(valid);
        int refused = 0;
        for (int length = 0; length < valid.length; length += 3) {
            Path file = dir.resolve("truncated.onnx");
            Files.write(file, Arrays.copyOf(valid, length));
            if (validPrefixes.contains(length)) {
                OnnxModel.load(file);
            } else {
                int cut = length;
                assertThrows(OnnxFormatException.class, () -> OnnxModel.load(file), "truncated to " + cut);
                refused++;
            }
        }
        assertTrue(refused > valid.length / 3 - 5, refused + " cuts refused");
        Path text = dir.resolve("readme.onnx");
        Files.writeString(text, "This is not a model.\n", StandardCharsets.UTF_8);
        assertRefused(text, "not");
        assertRefused(dir.resolve("absent.onnx"), "no such file");
        OnnxFormatException directory = assertThrows(OnnxFormatException.class, () -> OnnxModel.load(dir));
        assertTrue(directory.getMessage().startsWith(dir.toString()), directory.getMessage());
    }

    /** Ends of the top-level fields from the one holding the graph and an opset import on. */
    private static Set<Integer> topLevelFieldEnds(byte[] model) throws IOException {
        CodedInputStream input = CodedInputStream.newInstance(model);
        Set<Integer> ends = new HashSet<>();
        boolean graph = false;
        boolean opset = false;
        while (!input.isAtEnd()) {
            int field = WireFormat.getTagFieldNumber(input.readTag());
            input.skipField(input.getLastTag());
            graph |= field == ModelProto.GRAPH_FIELD_NUMBER;
            opset |= field == ModelProto.OPSET_IMPORT_FIELD_NUMBER;
            if (graph && opset) {
                ends.add(input.getTotalBytesRead());
            }
        }
        return ends;
    }

    /**
     * 1,000 copies of a valid model with 1 to 8 random bytes replaced (seed 4): each either loads or fails
     * with OnnxFormatException; any other exception, or a load taking over 10 s in all, fails the test.
     */
    @Test
    void randomByteFlipsYieldOnlyOnnxFormatExceptionOrASuccessfulLoad() throws IOException {
        byte[] valid = Files.readAllBytes(OnnxModelTest.resource("dtypes.onnx"));
        SplittableRandom random = new SplittableRandom(4);
        Path file = dir.resolve("flipped.onnx");
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int trial = 0; trial < 1000; trial++) {
                byte[] bytes = valid.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                Files.write(file, bytes);
                try {
                    OnnxModel.load(file);
                    outcomes[0]++;
                } catch (OnnxFormatException e) {
                    outcomes[1]++;
                } catch (RuntimeException | Error e) {
                    fail("trial " + trial + ": " + e, e);
                }
            }
        });
        assertEquals(1000, outcomes[0] + outcomes[1]);
        assertTrue(outcomes[1] > 0 && outcomes[0] > 0, "loaded " + outcomes[0] + ", refused " + outcomes[1]);
    }
}
