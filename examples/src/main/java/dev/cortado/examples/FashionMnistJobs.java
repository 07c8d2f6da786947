package dev.cortado.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Module;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.training.data.DataLoader;
import dev.cortado.training.data.Dataset;
import dev.cortado.training.data.DatasetFormatException;
import dev.cortado.training.data.DatasetNotFoundException;
import dev.cortado.training.data.Example;
import dev.cortado.training.data.FashionMnist;
import dev.cortado.training.data.Normalize;
import dev.cortado.training.data.UInt8ImageDataset;
import dev.cortado.training.metrics.Classification;
import dev.cortado.training.trainer.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;

/**
 * What the Fashion-MNIST jobs ({@code transfer}, {@code continual}, {@code finetune-clip}) share: the common
 * options and their error handling, loading the splits from {@code --data}, the small ViT for 28×28 images,
 * class-filtered and relabelled views of a split, and batched accuracy under {@link NoGrad}.
 */
final class FashionMnistJobs {
    /** Mean and standard deviation of the Fashion-MNIST training pixels in [0, 1]. */
    static final Normalize NORMALIZE = new Normalize(new float[] {0.2860f}, new float[] {0.3530f});
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The work of one command after its options are parsed; returns the metrics printed as the final line. */
    @FunctionalInterface
    interface Job {
        ObjectNode run(CommandLine options, PrintStream log) throws IOException;
    }

    /** Both splits of the data set. */
    record Splits(UInt8ImageDataset train, UInt8ImageDataset test) {
    }

    private FashionMnistJobs() {
    }

    /**
     * Declares the options every job has: {@code --data DIR} (default: the bundled subset), {@code --epochs},
     * {@code --batch-size}, {@code --lr}, {@code --seed}, {@code --out DIR} and {@code --backend cpu|reference|tornado}.
     */
    static CommandLine options(String command, int epochs, int batchSize, double lr, String out) {
        return new CommandLine(command)
                .option("data", null, "Fashion-MNIST IDX directory, e.g. " + FashionMnist.DEBIAN_DIR
                        + " (default: the subset bundled in the jar)")
                .option("epochs", Integer.toString(epochs), "training epochs")
                .option("batch-size", Integer.toString(batchSize), "examples per batch")
                .option("lr", Double.toString(lr), "peak learning rate")
                .option("seed", "42", "seed of the weights, the data order and the sampled subsets")
                .option("out", out, "output directory (log.jsonl, training.png, checkpoints, result.json)")
                .option("backend", System.getProperty("cortado.backend", "cpu"),
                        "compute backend: cpu, reference or tornado (TornadoVM; the cpu when it cannot run)");
    }

    /**
     * Parses {@code args}, runs {@code job} on the chosen backend, prints its metrics as one JSON line on
     * {@code out} and writes them to {@code <out>/result.json}. Returns the exit code: 2 for bad options (message and
     * usage on {@code err}) and for a missing data set (the message saying what to install), 1 for a corrupt data
     * file, a diverged run or an I/O error, 0 otherwise. Progress goes to {@code err}.
     */
    static int run(String command, CommandLine options, String[] args, PrintStream out, PrintStream err, Job job) {
        if (CommandLine.wantsHelp(args)) {
            out.print(options.usage());
            return 0;
        }
        try {
            options.parse(args);
            Backends.byName(options.string("backend"));
            if (Files.exists(options.path("out")) && !Files.isDirectory(options.path("out"))) {
                throw new IllegalArgumentException("--out " + options.string("out") + " is not a directory");
            }
        } catch (IllegalArgumentException e) {
            err.println("cortado " + command + ": " + e.getMessage());
            err.print(options.usage());
            return 2;
        }
        try (var scope = Backends.use(Backends.byName(options.string("backend")))) {
            ObjectNode result = job.run(options, err);
            String line = JSON.writeValueAsString(result);
            Path dir = Files.createDirectories(options.path("out"));
            Files.writeString(dir.resolve("result.json"), line + "\n");
            out.println(line);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("cortado " + command + ": " + e.getMessage());
            err.print(options.usage());
            return 2;
        } catch (DatasetNotFoundException e) {
            err.println("cortado " + command + ": " + e.getMessage());
            return 2;
        } catch (DatasetFormatException | TrainingDivergedException e) {
            err.println("cortado " + command + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("cortado " + command + ": I/O error: " + e);
            return 1;
        }
    }

    /** The training and test split from {@code --data DIR}, or the bundled subset when it is not given. */
    static Splits load(CommandLine options) throws IOException {
        if (!options.has("data")) {
            return new Splits(FashionMnist.bundled(FashionMnist.Split.TRAIN), FashionMnist.bundled(FashionMnist.Split.TEST));
        }
        Path dir = options.path("data");
        return new Splits(FashionMnist.load(dir, FashionMnist.Split.TRAIN), FashionMnist.load(dir, FashionMnist.Split.TEST));
    }

    /**
     * The ViT for 28×28 grey images used by the jobs: patches of 7 (16 tokens + the class token), width 128,
     * 4 layers of 4 heads, MLP 256, no dropout; about 0.56 M parameters.
     */
    static VisionTransformer.Config vitConfig(int classes, long seed) {
        return vitConfig(classes, 7, 128, VisionTransformer.Stem.PATCH, seed);
    }

    /** The same ViT shape (4 layers of 4 heads, MLP twice the width) with another patch size, width and stem. */
    static VisionTransformer.Config vitConfig(int classes, int patch, int width, VisionTransformer.Stem stem,
                                              long seed) {
        return new VisionTransformer.Config(28, 1, patch, width, 4, 4, 2 * width, classes, 0f, seed, stem);
    }

    /**
     * The images of {@code classes} in {@code data}, at most {@code perClass} of each (0: all), picked by a seeded
     * shuffle of each class; indices in increasing order, so a class-balanced sample that is the same for a seed.
     */
    static int[] sample(UInt8ImageDataset data, int[] classes, int perClass, long seed) {
        List<Integer> picked = new ArrayList<>();
        for (int c : classes) {
            int[] members = data.indicesOfClasses(c);
            if (perClass > 0 && perClass < members.length) {
                SplittableRandom random = new SplittableRandom(seed * 31 + c);
                for (int i = 0; i < perClass; i++) { // the first perClass of a Fisher–Yates shuffle
                    int j = i + random.nextInt(members.length - i);
                    int t = members[i];
                    members[i] = members[j];
                    members[j] = t;
                }
                members = Arrays.copyOf(members, perClass);
            }
            Arrays.stream(members).forEach(picked::add);
        }
        if (picked.isEmpty()) {
            throw new IllegalArgumentException("no images of classes " + Arrays.toString(classes) + " in " + data);
        }
        return picked.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * A model-ready view of some images: example i is {@code data[indices[i]]} normalised with {@link #NORMALIZE},
     * its label mapped by {@code label} (e.g. {@code c -> c - 5} for classes 5–9 as a 5-way task).
     */
    static Dataset view(UInt8ImageDataset data, int[] indices, IntUnaryOperator label) {
        int[] own = indices.clone();
        return new Dataset() {
            @Override
            public int size() {
                return own.length;
            }

            @Override
            public Example get(int index) {
                int i = own[index];
                return new Example(NORMALIZE.apply(data.image(i), null), label.applyAsInt(data.label(i)));
            }

            @Override
            public String toString() {
                return own.length + " normalised images of " + data;
            }
        };
    }

    /** Shuffled training batches of {@code data}, reshuffled each epoch from {@code seed}; the last batch is kept. */
    static DataLoader trainLoader(Dataset data, int batchSize, long seed) {
        return DataLoader.builder(data, batchSize).shuffle(true).seed(seed).build();
    }

    /**
     * Top-1 accuracy of {@code logits} (images [B, 1, 28, 28] → scores [B, C]) over {@code data}, in batches of
     * {@code batchSize}, with {@code model} in evaluation mode and no graph; the model's mode is restored after.
     */
    static double accuracy(Module model, Function<Variable, Variable> logits, Dataset data, int batchSize) {
        boolean training = model.isTraining();
        model.eval();
        long correct = 0;
        try (NoGrad ignored = NoGrad.enter();
             var batches = DataLoader.builder(data, batchSize).build().epoch(0, 0)) {
            while (batches.hasNext()) {
                var batch = batches.next();
                Variable scores = logits.apply(Variable.constant(batch.inputs()));
                correct += Math.round(Classification.accuracy(scores.data(), batch.labels()) * batch.size());
            }
        } finally {
            model.train(training);
        }
        return (double) correct / data.size();
    }

    /** {@code value} rounded to 4 decimals, for the JSON lines. */
    static double round4(double value) {
        return Math.round(value * 1e4) / 1e4;
    }
}
