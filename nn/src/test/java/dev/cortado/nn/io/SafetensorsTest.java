package dev.cortado.nn.io;

import dev.cortado.nn.Module;
import dev.cortado.nn.ReferenceNet;
import dev.cortado.tensor.Fifos;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.cortado.tensor.TensorAssert.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * safetensors against files written by tools/reference/gen_safetensors.py (by hand, to the specification),
 * Cortado → Cortado round trips, and crafted bad files. Values must come back bit for bit.
 *
 * <p>Cortado → Python: run with {@code -Dcortado.safetensors.out=FILE} and check FILE with
 * {@code gen_safetensors.py --verify FILE} (see that script).
 */
class SafetensorsTest {
    @TempDir
    Path dir;

    private static Path resource(String name) {
        try {
            return Path.of(SafetensorsTest.class.getResource("/safetensors/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PyTorch state dict of gen_module.py's Net, as module.json holds it. */
    private static Map<String, Tensor> pytorchStateDict() {
        Fixtures.Case net = Fixtures.load("module.json").get(0);
        Map<String, Tensor> values = new LinkedHashMap<>();
        net.inputs().fieldNames().forEachRemaining(k -> {
            if (k.startsWith("sd.")) {
                values.put(k.substring(3), net.input(k));
            }
        });
        return values;
    }

    @Test
    void readsEveryDtypeWrittenByPython() throws IOException {
        Fixtures.Case expected = Fixtures.load("safetensors.json").get(0);
        Safetensors.Contents contents = Safetensors.read(resource("mixed.safetensors"));
        List<String> names = new ArrayList<>();
        expected.outputs().fieldNames().forEachRemaining(names::add);
        assertEquals(names, new ArrayList<>(contents.tensors().keySet()), "tensors in data order");
        for (String name : names) {
            assertSame(expected.output(name), contents.tensors().get(name), name + " ("
                    + expected.args().get("dtypes").get(name).asText() + ")");
        }
        assertEquals(Map.of("format", "pt", "note", "café"), contents.metadata());
        float negativeZero = contents.tensors().get("b.half").get(1);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(negativeZero), "F16 -0 keeps its sign");
    }

    @Test
    void pythonModelLoadsIntoCortado() throws IOException {
        ReferenceNet.Net net = new ReferenceNet.Net(99);
        Module.LoadReport report = Safetensors.load(net, resource("model.safetensors"), true);
        assertTrue(report.clean(), report.toString());
        pytorchStateDict().forEach((k, v) -> assertSame(v, net.stateDict().get(k), k));
    }

    /** Cortado writes the same bytes as the safetensors library's layout (by dtype, then name; padded header). */
    @Test
    void cortadoWritesTheLibraryLayoutByteForByte() throws IOException {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        net.loadStateDict(pytorchStateDict(), true);
        Path file = dir.resolve("net.safetensors");
        Safetensors.save(net, file);
        assertEquals(-1, Files.mismatch(resource("model.safetensors"), file));
        String out = System.getProperty("cortado.safetensors.out");
        if (out != null) {
            Safetensors.save(net, Path.of(out));
        }
        ReferenceNet.Net copy = new ReferenceNet.Net(2);
        assertTrue(Safetensors.load(copy, file, true).clean());
        net.stateDict().forEach((k, v) -> assertSame(v, copy.stateDict().get(k), k));
    }

    @Test
    void roundTripsEveryCortadoDtypeAndViews() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.view", Tensor.randn(8, 3, 4, 5).transpose(0, 2).slice(1, 1, 4, 2));
        tensors.put("scalar", Tensor.scalar(-2.5f));
        tensors.put("ids", Tensor.fromLongs(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3));
        tensors.put("mask", Tensor.fromBooleans(new boolean[] {true, false}, 2, 1));
        tensors.put("empty", Tensor.zeros(0, 7));
        tensors.put("ünïcode.name", Tensor.full(Float.NaN, 2));
        Path file = dir.resolve("all.safetensors");
        Safetensors.write(file, tensors, Map.of("b", "2", "a", "1"));
        Safetensors.Contents back = Safetensors.read(file);
        assertEquals(List.of("ids", "empty", "scalar", "z.view", "ünïcode.name", "mask"),
                new ArrayList<>(back.tensors().keySet()), "I64 first, then F32 by name, then BOOL");
        tensors.forEach((k, v) -> assertSame(v, back.tensors().get(k), k));
        assertEquals(Map.of("a", "1", "b", "2"), back.metadata());
        assertEquals(0, ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() % 8);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(file,
                Map.of("__metadata__", Tensor.zeros(1))));
    }

    @Test
    void writesAreAtomicAndLeaveNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Safetensors.write(file, Map.of("a", Tensor.ones(1000)));
        Safetensors.write(file, Map.of("b", Tensor.zeros(2)));
        assertEquals(List.of("b"), new ArrayList<>(Safetensors.read(file).tensors().keySet()), "replaced whole");
        assertEquals(List.of(file), listDir());

        // A rename that fails (the target is a non-empty directory) removes the temporary file.
        Path blocked = Files.createDirectories(dir.resolve("blocked.safetensors"));
        Files.writeString(blocked.resolve("keep"), "x");
        assertThrows(IOException.class, () -> Safetensors.write(blocked, Map.of("a", Tensor.ones(3))));
        assertEquals(List.of(blocked, file), listDir());
    }

    private List<Path> listDir() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    // ------------------------------------------------------------ bad files

    /** A file of the given header length field, header text and data bytes. */
    private Path craft(long headerLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerLength).put(header);
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, out.array());
        return file;
    }

    private Path craft(String header, int dataBytes) throws IOException {
        byte[] bytes = header.getBytes(StandardCharsets.UTF_8);
        return craft(bytes.length, bytes, dataBytes);
    }

    private static void assertBad(Path file, String problem) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not a valid safetensors file: "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path shortFile = dir.resolve("short.safetensors");
        Files.write(shortFile, new byte[5]);
        assertBad(shortFile, "fewer than the 8-byte header length");
        assertBad(craft(1L << 40, "{}".getBytes(StandardCharsets.UTF_8), 0), "header length 1099511627776 exceeds the file");
        assertBad(craft(-1L, "{}".getBytes(StandardCharsets.UTF_8), 0), "header length 18446744073709551615 exceeds");
        assertBad(craft(11, "{}".getBytes(StandardCharsets.UTF_8), 8), "header length 11 exceeds the file (18 bytes)");
    }

    @Test
    void headerThatIsNotJsonOrNotUtf8() throws IOException {
        assertBad(craft(4, new byte[] {'{', (byte) 0xFF, (byte) 0xFE, '}'}, 0), "not valid UTF-8");
        assertBad(craft("{\"a\":", 0), "not valid JSON");
        assertBad(craft("{} {}", 0), "not valid JSON");
        assertBad(craft("[1, 2]", 0), "not a JSON object");
        assertBad(craft("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 4, 8) + "}", 8),
                "not valid JSON: Duplicate field 'a'");
        assertBad(craft("{\"__metadata__\":{\"k\":1}}", 0), "value of 'k' is not a string");
        assertBad(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'a' needs");
        assertBad(craft("{" + tensor("a", "F32", "[-1]", 0, 4) + "}", 4), "not a list of non-negative integers");
        assertBad(craft("{" + tensor("a", "F32", "[1.5]", 0, 4) + "}", 4), "not a list of non-negative integers");
    }

    @Test
    void unknownDtypeAndSizeMismatch() throws IOException {
        assertBad(craft("{" + tensor("a", "F99", "[1]", 0, 4) + "}", 4), "tensor 'a' has dtype 'F99', which is unknown");
        assertBad(craft("{" + tensor("a", "F32", "[2,3]", 0, 20) + "}", 20),
                "tensor 'a' of F32 and shape [2,3] has 6 elements, which need 6 × 4 bytes, but data_offsets [0,20] span 20");
        assertBad(craft("{" + tensor("a", "F16", "[2147483647,2147483647,2147483647]", 0, 4) + "}", 4), "overflows");
    }

    @Test
    void emptyTensorWithSizesBeyondCortadosLimit() throws IOException {
        // No elements and no bytes, but the leading sizes multiply past what a Cortado tensor holds.
        assertBad(craft("{" + tensor("a", "F32", "[2147483647,0]", 0, 0) + "}", 0),
                "tensor 'a' shape [2147483647,0] has 0 elements or sizes larger than a Cortado tensor holds");
        assertBad(craft("{" + tensor("a", "F32", "[65536,65536,0]", 0, 0) + "}", 0), "larger than a Cortado tensor");
    }

    @Test
    void offsetsBeyondTheDataOverlappingOutOfOrderOrWithHoles() throws IOException {
        assertBad(craft("{" + tensor("a", "F32", "[4]", 0, 16) + "}", 8), "tensor 'a' data_offsets [0, 16] exceed the data region of 8 bytes");
        assertBad(craft("{" + tensor("a", "F32", "[1]", 0, 1L << 40) + "}", 8), "span");
        assertBad(craft("{" + tensor("a", "F32", "[0]", 8, 4) + "}", 8), "are not [begin, end] with begin <= end");
        assertBad(craft("{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) + "}", 12),
                "tensor 'b' at [4, 12) overlaps tensor 'a', which ends at 8");
        assertBad(craft("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[1]", 8, 12) + "}", 12),
                "hole of 4 bytes at 4, before tensor 'b'");
        assertBad(craft("{" + tensor("a", "F32", "[1]", 4, 8) + "}", 8), "hole of 4 bytes at 0");
        assertBad(craft("{" + tensor("a", "F32", "[1]", 0, 4) + "}", 12), "8 bytes after the last tensor");
        // The JSON may list tensors in any order; only their offsets must tile the data.
        Path file = craft("{" + tensor("b", "F32", "[1]", 4, 8) + "," + tensor("a", "F32", "[1]", 0, 4) + "}", 8);
        assertEquals(List.of("a", "b"), new ArrayList<>(Safetensors.read(file).tensors().keySet()));
    }

    @Test
    void aFifoIsRefusedInsteadOfBlocking() throws IOException, InterruptedException {
        Path fifo = Fifos.create(dir.resolve("fifo.safetensors"));
        SafetensorsFormatException e = Fifos.assertRefusedWithoutBlocking(SafetensorsFormatException.class,
                () -> Safetensors.read(fifo));
        assertTrue(e.getMessage().startsWith(fifo + ": not a valid safetensors file: not a regular file"), e.getMessage());
    }
}
