package dev.cortado.training.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON-lines training log, one object per line:
 * <pre>
 * {"type":"step","epoch":0,"step":1,"loss":2.31,"lr":0.001,"seconds":0.12}     seconds: that step's wall time
 * {"type":"eval","epoch":0,"step":100,"accuracy":0.81,...}
 * </pre>
 * Opening a log to continue a resumed run keeps only the lines up to the checkpoint's step, so lines from the
 * interrupted part are not repeated. Each line is flushed as written.
 */
final class TrainingLog implements AutoCloseable {
    private static final JsonMapper JSON = new JsonMapper();
    private final BufferedWriter out;

    /** Opens {@code file}, keeping its lines with {@code step <= keepUpToStep} (none for a fresh run at step 0). */
    TrainingLog(Path file, long keepUpToStep) throws IOException {
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (stepOf(line) <= keepUpToStep) {
                    kept.add(line);
                }
            }
        }
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        for (String line : kept) {
            out.write(line);
            out.newLine();
        }
        out.flush();
    }

    private static long stepOf(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return node.path("step").asLong(Long.MAX_VALUE);
        } catch (JsonProcessingException e) {
            return Long.MAX_VALUE; // a line cut by the interruption: dropped
        }
    }

    void step(int epoch, long step, double loss, double lr, double seconds) throws IOException {
        write(JSON.createObjectNode().put("type", "step").put("epoch", epoch).put("step", step).put("loss", loss)
                .put("lr", lr).put("seconds", seconds));
    }

    void evaluation(int epoch, long step, Map<String, Double> metrics) throws IOException {
        ObjectNode node = JSON.createObjectNode().put("type", "eval").put("epoch", epoch).put("step", step);
        metrics.forEach(node::put);
        write(node);
    }

    private void write(ObjectNode node) throws IOException {
        out.write(JSON.writeValueAsString(node));
        out.newLine();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
