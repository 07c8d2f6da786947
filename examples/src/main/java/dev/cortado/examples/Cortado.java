package dev.cortado.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The command-line entry point behind {@code bin/cortado}: {@code cortado <command> [args…]}.
 * Each command is a small class; this one only dispatches.
 */
public final class Cortado {
    /** A subcommand: takes its arguments and the output stream, returns the process exit code. */
    private record Command(String summary, BiFunction<String[], PrintStream, Integer> run) {
    }

    private static final Map<String, Command> COMMANDS = new TreeMap<>(Map.of(
            "devices", new Command("list the compute backends and devices Cortado can use", Devices::run),
            "onnx-test", new Command("run ONNX backend test cases: onnx-test DIR…", OnnxTest::run),
            "embed", new Command("sentence embeddings (JSON) from a BERT-style ONNX model and its tokenizer.json",
                    Embed::run),
            "finetune-clip", new Command("the main job: CLIP-style fine-tuning on Fashion-MNIST with a pretrained "
                    + "MiniLM text tower", FinetuneClip::run),
            "transfer", new Command("pretrain a ViT on Fashion-MNIST 0-4, transfer to 5-9 with 1% of the labels",
                    Transfer::run),
            "continual", new Command("Split Fashion-MNIST in 5 tasks: fine-tuning vs EWC vs online EWC",
                    Continual::run)));

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
        return command.run().apply(Arrays.copyOfRange(args, 1, args.length), out);
    }

    private static void usage(PrintStream out) {
        out.println("usage: cortado <command> [options]");
        out.println();
        out.println("commands:");
        COMMANDS.forEach((name, command) -> out.printf("  %-14s %s%n", name, command.summary()));
    }
}
