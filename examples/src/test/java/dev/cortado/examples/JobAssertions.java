package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Running a job command in-process and checking what it leaves behind, for the job smoke tests. */
final class JobAssertions {
    /** What a command printed: its exit code, standard output and error output. */
    record Outcome(int code, String out, String err) {
        /** The last line of standard output, parsed as JSON. */
        JsonNode json() throws IOException {
            String[] lines = out.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    /** A job's entry point with explicit output and error streams. */
    @FunctionalInterface
    interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    private JobAssertions() {
    }

    static Outcome run(Command command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = command.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code dir} holds the trainer's log.jsonl, a non-empty training.png and a checkpoint with weights. */
    static void assertTrainerOutputs(Path dir) throws IOException {
        assertTrue(Files.size(dir.resolve("log.jsonl")) > 0, dir + "/log.jsonl");
        byte[] png = Files.readAllBytes(dir.resolve("training.png"));
        assertTrue(png.length > 100 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', dir + "/training.png is a PNG");
        String latest = Files.readString(dir.resolve("checkpoints/latest")).strip();
        assertTrue(Files.size(dir.resolve("checkpoints").resolve(latest).resolve("model.safetensors")) > 0,
                dir + " checkpoint " + latest);
    }

    /**
     * The training loss fell: the mean of the last three step losses in {@code log.jsonl} is below
     * {@code ratio} times the mean of the first three.
     */
    static void assertLossFalls(Path log, double ratio) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Double> losses = Files.readAllLines(log).stream().map(line -> {
            try {
                return json.readTree(line);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).filter(n -> n.path("type").asText().equals("step")).map(n -> n.path("loss").asDouble()).toList();
        assertTrue(losses.size() >= 6, "at least 6 steps in " + log + ", got " + losses.size());
        double first = losses.subList(0, 3).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - 3, losses.size()).stream().mapToDouble(Double::doubleValue)
                .average().orElseThrow();
        assertTrue(last < ratio * first, "loss fell in " + log + ": first " + first + ", last " + last);
    }

    /** A missing data directory is exit code 2 with a message naming the Debian package. */
    static void assertMissingDataIsExitTwo(Command command, Path missing) {
        Outcome outcome = run(command, "--data", missing.toString(), "--out", missing.resolveSibling("out").toString());
        assertEquals(2, outcome.code(), outcome.err());
        assertTrue(outcome.err().contains("dataset-fashion-mnist") && outcome.err().contains("--data"), outcome.err());
        assertEquals("", outcome.out());
    }

    /** {@code args} with {@code --out out} exit with 2 and {@code message} before anything is written to {@code out}. */
    static void assertRefusedBeforeWriting(Command command, Path out, String message, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--out", out.toString()));
        Outcome outcome = run(command, all.toArray(String[]::new));
        assertEquals(2, outcome.code(), outcome.err());
        assertTrue(outcome.err().contains(message), outcome.err());
        assertTrue(!Files.exists(out), out + " was written");
    }

    /** An unknown option is exit code 2 with the message and the usage. */
    static void assertBadOptionIsExitTwo(Command command, String name) {
        Outcome outcome = run(command, "--epochs", "zero");
        assertEquals(2, outcome.code(), outcome.err());
        assertTrue(outcome.err().contains("--epochs needs an integer") && outcome.err().contains("usage: cortado " + name),
                outcome.err());
    }
}
