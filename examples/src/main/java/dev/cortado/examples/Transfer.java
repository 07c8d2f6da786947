package dev.cortado.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Losses;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.data.Dataset;
import dev.cortado.training.optim.AdamW;
import dev.cortado.training.optim.ParamGroup;
import dev.cortado.training.optim.ParamGroups;
import dev.cortado.training.optim.WarmupCosineLr;
import dev.cortado.training.strategies.DiscriminativeLr;
import dev.cortado.training.strategies.GradualUnfreezing;
import dev.cortado.training.strategies.LayerGroups;
import dev.cortado.training.trainer.Trainer;
import dev.cortado.training.trainer.TrainerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code cortado transfer}: transfer learning with few labels. A ViT is pretrained on Fashion-MNIST classes 0–4
 * (the source task), then moved to classes 5–9 (the target task) with {@code --label-share} (1%) of their
 * training images, class-balanced and seeded. Three strategies start from the same pretrained weights with
 * the same new 5-way head ({@link VisionTransformer#replaceHead}):
 * <ul>
 * <li>{@code head_only}: the backbone frozen, only the head trained;</li>
 * <li>{@code full_finetune}: every weight trained at one rate;</li>
 * <li>{@code gradual_unfreezing}: ULMFiT (Howard and Ruder 2018): one more layer group unfrozen per epoch, from
 * the head down ({@link GradualUnfreezing}), with rates divided by 2.6 per group below the top
 * ({@link DiscriminativeLr}).</li>
 * </ul>
 * Each reports its target accuracy (the 5,000 test images of classes 5–9, 5-way) and its source retention: the
 * accuracy on the test images of classes 0–4 of the adapted backbone under the <em>original</em> source head, kept
 * aside. The first figure says how well a strategy learns from 300 labels, the second how much of the source task
 * its backbone still carries. {@code trainable_share} is the share of the model's parameters trainable at the end
 * (for gradual unfreezing all of them once every group is unfrozen, after depth + 1 epochs).
 */
final class Transfer {
    static final String COMMAND = "transfer";
    private static final int[] SOURCE = {0, 1, 2, 3, 4};
    private static final int[] TARGET = {5, 6, 7, 8, 9};
    private static final double WEIGHT_DECAY = 0.05;

    private Transfer() {
    }

    static int run(String[] args, PrintStream out) {
        return run(args, out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine options = FashionMnistJobs.options(COMMAND, 2, 64, 1e-3, "runs/transfer")
                .option("transfer-epochs", "12", "epochs of each transfer strategy")
                .option("transfer-lr", "1e-3", "rate of the transfer strategies (of the top group for gradual unfreezing)")
                .option("label-share", "0.01", "share of the target classes' training images that keep their labels")
                .option("train-limit", "2000", "pretraining images per source class (0: all 6,000)")
                .option("test-limit", "0", "test images per class (0: all)");
        return FashionMnistJobs.run(COMMAND, options, args, out, err, Transfer::transfer);
    }

    private static ObjectNode transfer(CommandLine options, PrintStream log) throws IOException {
        long started = System.nanoTime();
        int batchSize = options.integer("batch-size", 1);
        long seed = options.longValue("seed");
        double labelShare = options.number("label-share", 0);
        if (labelShare <= 0 || labelShare > 1) {
            throw new IllegalArgumentException("--label-share must be in (0, 1], got " + labelShare);
        }
        int testLimit = options.integer("test-limit", 0);
        // Read before pretraining, so that a bad value fails at once rather than minutes in.
        options.integer("transfer-epochs", 1);
        options.number("transfer-lr", 0);
        Path out = options.path("out");
        FashionMnistJobs.Splits data = FashionMnistJobs.load(options);

        Dataset sourceTrain = FashionMnistJobs.view(data.train(),
                FashionMnistJobs.sample(data.train(), SOURCE, options.integer("train-limit", 0), seed), c -> c);
        Dataset sourceTest = FashionMnistJobs.view(data.test(), FashionMnistJobs.sample(data.test(), SOURCE, testLimit, seed),
                c -> c);
        int perClass = (int) Math.max(1, Math.round(labelShare * data.train().indicesOfClasses(TARGET[0]).length));
        Dataset targetTrain = FashionMnistJobs.view(data.train(), FashionMnistJobs.sample(data.train(), TARGET, perClass, seed),
                c -> c - TARGET[0]);
        Dataset targetTest = FashionMnistJobs.view(data.test(), FashionMnistJobs.sample(data.test(), TARGET, testLimit, seed),
                c -> c - TARGET[0]);
        // The per-epoch learning curves of the strategies use a fixed fifth of it (the final figures use all of it).
        Dataset targetValidation = FashionMnistJobs.view(data.test(), FashionMnistJobs.sample(data.test(), TARGET,
                Math.max(1, data.test().indicesOfClasses(TARGET[0]).length / 5), seed), c -> c - TARGET[0]);
        log.printf("transfer: pretraining on %d images of classes 0-4, transferring with %d labelled images of 5-9%n",
                sourceTrain.size(), targetTrain.size());

        // Pretraining: AdamW with warm-up and cosine decay, evaluated on the source test split each epoch.
        VisionTransformer source = new VisionTransformer(FashionMnistJobs.vitConfig(SOURCE.length, seed));
        int epochs = options.integer("epochs", 1);
        var loader = FashionMnistJobs.trainLoader(sourceTrain, batchSize, seed);
        long steps = (long) loader.batchesPerEpoch() * epochs;
        fit(Trainer.builder(source, new AdamW(ParamGroups.decaySplit(source, options.number("lr", 0), WEIGHT_DECAY)),
                        loader, batch -> loss(source, batch.inputs(), batch.labels()))
                .epochs(epochs).schedule(new WarmupCosineLr(Math.max(1, steps / 10), Math.max(2, steps), 0.01))
                .evaluator(m -> Map.of("accuracy", FashionMnistJobs.accuracy(m, source::forward, sourceTest, 256)), 0, true),
                out.resolve("pretrain"), log);
        double pretrained = FashionMnistJobs.accuracy(source, source::forward, sourceTest, 256);
        log.printf("transfer: source accuracy after pretraining %.4f%n", pretrained);

        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("source_accuracy_pretrained", FashionMnistJobs.round4(pretrained));
        result.put("target_train_images", targetTrain.size());
        ObjectNode strategies = result.putObject("strategies");
        for (String strategy : List.of("head_only", "full_finetune", "gradual_unfreezing")) {
            strategies.set(strategy, adapt(strategy, source, options, targetTrain,
                    targetValidation, targetTest, sourceTest, log));
        }
        result.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
        return result;
    }

    /** Trains one strategy from a copy of the pretrained {@code source} model and measures it. */
    private static ObjectNode adapt(String strategy, VisionTransformer source, CommandLine options, Dataset targetTrain,
                                    Dataset targetValidation, Dataset targetTest, Dataset sourceTest, PrintStream log)
            throws IOException {
        long seed = options.longValue("seed");
        double lr = options.number("transfer-lr", 0);
        VisionTransformer vit = new VisionTransformer(FashionMnistJobs.vitConfig(SOURCE.length, seed));
        vit.loadStateDict(source.stateDict(), true);
        // The same fresh head for every strategy; the pretrained one is kept to measure retention.
        Linear sourceHead = vit.replaceHead(new Linear(vit.config().width(), TARGET.length, seed + 1));

        List<ParamGroup> groups;
        GradualUnfreezing unfreezing = null;
        LayerGroups layers = LayerGroups.visionTransformer(vit.config().depth());
        switch (strategy) {
            case "head_only" -> {
                vit.freeze("**");
                vit.unfreeze("head");
                groups = ParamGroups.decaySplit(vit, lr, WEIGHT_DECAY);
            }
            case "full_finetune" -> groups = ParamGroups.decaySplit(vit, lr, WEIGHT_DECAY);
            case "gradual_unfreezing" -> {
                groups = DiscriminativeLr.paramGroups(vit, layers, lr, DiscriminativeLr.ULMFIT_FACTOR, WEIGHT_DECAY);
                unfreezing = GradualUnfreezing.perEpoch(layers);
            }
            default -> throw new IllegalStateException("unknown strategy " + strategy);
        }
        TrainerOptions trainer = Trainer.builder(vit, new AdamW(groups),
                        FashionMnistJobs.trainLoader(targetTrain, options.integer("batch-size", 1), seed),
                        batch -> loss(vit, batch.inputs(), batch.labels()))
                .epochs(options.integer("transfer-epochs", 1))
                .evaluator(m -> Map.of("accuracy", FashionMnistJobs.accuracy(m, vit::forward, targetValidation, 256)), 0, true);
        if (unfreezing != null) {
            trainer.callback(unfreezing);
        }
        fit(trainer, options.path("out").resolve(strategy), log);

        ObjectNode metrics = JsonNodeFactory.instance.objectNode();
        double target = FashionMnistJobs.accuracy(vit, vit::forward, targetTest, 256);
        double retained = FashionMnistJobs.accuracy(vit, x -> sourceHead.forward(vit.features(x)), sourceTest, 256);
        metrics.put("target_accuracy", FashionMnistJobs.round4(target));
        metrics.put("source_accuracy", FashionMnistJobs.round4(retained));
        metrics.put("trainable_share", FashionMnistJobs.round4((double) vit.trainableParameterCount() / vit.parameterCount()));
        log.printf("transfer: %s target accuracy %.4f, source retention %.4f%n", strategy, target, retained);
        return metrics;
    }

    private static Variable loss(VisionTransformer model, Tensor images, Tensor labels) {
        return Losses.crossEntropy(model.forward(Variable.constant(images)), labels);
    }

    /** Trains with a checkpoint only at the end, writing log, plot and checkpoint under {@code dir}. */
    private static void fit(TrainerOptions trainer, Path dir, PrintStream log) throws IOException {
        trainer.checkpoints(0, false).outputDir(dir).progress(log).build().fit();
    }
}
