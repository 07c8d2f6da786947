package dev.cortado.examples;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The command-line entry point behind {@code bin/cortado}: {@code cortado <command> [args…]}.
 * Each command is a small class; this one only dispatches. Every command takes {@code --backend NAME}
 * (cpu, reference, tornado): the training jobs declare it among their options, the others get it here.
 */
public final class Cortado {
    /**
     * A subcommand: takes its arguments and the output stream, returns the process exit code.
     * {@code ownsBackend}: it parses {@code --backend} itself.
     */
    private record Command(String summary, boolean ownsBackend, BiFunction<String[], PrintStream, Integer> run) {
    }

    private static final Map<String, Command> COMMANDS = new TreeMap<>(Map.of(
            "devices", new Command("list the compute backends and devices Cortado can use", false, Devices::run),
            "onnx-test", new Command("run ONNX backend test cases: onnx-test DIR…", false, OnnxTest::run),
            "embed", new Command("sentence embeddings (JSON) from a BERT-style ONNX model and its tokenizer.json",
                    false, Embed::run),
            "finetune-clip", new Command("the main job: CLIP-style fine-tuning on Fashion-MNIST with a pretrained "
                    + "MiniLM text tower", true, FinetuneClip::run),
            "transfer", new Command("pretrain a ViT on Fashion-MNIST 0-4, transfer to 5-9 with 1% of the labels",
                    true, Transfer::run),
            "continual", new Command("Split Fashion-MNIST in 5 tasks: fine-tuning vs EWC vs online EWC",
                    true, Continual::run)));

    private Cortado() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs one command; returns its exit code (2 for usage errors). */
    static int run(String[] args, PrintStream out) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            System.err.println("cortado: unknown command '" + args[0] + "'");
            usage(System.err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (command.ownsBackend()) {
            return command.run().apply(rest, out);
        }
        BackendOption option;
        Backend backend;
        try {
            option = BackendOption.extract(rest);
            backend = option.backend() == null ? Backends.current() : Backends.byName(option.backend());
        } catch (IllegalArgumentException e) {
            System.err.println("cortado " + args[0] + ": " + e.getMessage());
            return 2;
        }
        try (var scope = Backends.use(backend)) {
            return command.run().apply(option.rest(), out);
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: cortado <command> [options]   (every command takes --backend cpu|reference|tornado)");
        out.println();
        out.println("commands:");
        COMMANDS.forEach((name, command) -> out.printf("  %-14s %s%n", name, command.summary()));
    }
}
