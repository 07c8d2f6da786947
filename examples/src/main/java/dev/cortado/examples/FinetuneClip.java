package dev.cortado.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.models.clip.BertTextEncoder;
import dev.cortado.models.clip.ClipModel;
import dev.cortado.models.clip.ZeroShotClassifier;
import dev.cortado.nn.LoRA;
import dev.cortado.nn.Module;
import dev.cortado.nn.io.Safetensors;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Joining;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.checkpoint.CheckpointStore;
import dev.cortado.training.data.DataLoader;
import dev.cortado.training.data.Dataset;
import dev.cortado.training.data.UInt8ImageDataset;
import dev.cortado.training.metrics.RetrievalRecall;
import dev.cortado.training.optim.AdamW;
import dev.cortado.training.optim.ParamGroups;
import dev.cortado.training.optim.WarmupCosineLr;
import dev.cortado.training.trainer.Trainer;
import dev.cortado.training.trainer.TrainingResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code cortado finetune-clip}, the main job: CLIP-style contrastive fine-tuning on Fashion-MNIST with captions
 * built from the class names. Image tower: a ViT for 28×28 images trained here (with the convolutional stem by
 * default, {@code --stem patch} for the plain patch embedding); text tower: the pretrained
 * all-MiniLM-L6-v2 (imported from its ONNX weights), frozen, or adapted with LoRA ({@code --lora}).
 *
 * <p>Each class c has the captions "a photo of a {name}." and the other {@link ZeroShotClassifier#TEMPLATES};
 * an image is classified by its nearest class embedding (the normalised mean of its captions' embeddings).
 * Training minimises {@link ClipModel#classContrastiveLoss} against the training classes' embeddings. With the
 * text tower frozen its caption features are computed once and only the projection trains on them; with
 * {@code --lora} the text tower runs every step, on the first template only (one text batch of C captions).
 *
 * <p>Reported before and after training, on the test split: 10-way prompt-based accuracy, image→text
 * recall@1/5 over the class captions, text→image recall@1/5; with {@code --holdout K} the last K classes are
 * not trained on and their test images are scored separately: among the K held-out captions (zero-shot in
 * the usual sense) and among all ten (generalised zero-shot). Ends with one JSON line, also written to
 * {@code <out>/result.json}; the trainer writes {@code log.jsonl}, {@code training.png} and checkpoints there,
 * and with {@code --lora} the adapters merged into the weights go to {@code merged.safetensors} (the plain
 * model's keys, loadable without LoRA).
 */
final class FinetuneClip {
    private static final String NAME = "finetune-clip";
    /** Fashion-MNIST's class names as caption words. */
    static final List<String> CAPTION_LABELS = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal",
            "shirt", "sneaker", "bag", "ankle boot");
    private static final int EVAL_BATCH = 500;
    private static final int LORA_RANK = 8;
    private static final float LORA_ALPHA = 16;
    /** Image tower LoRA targets: each attention's packed q/k/v projection and its output projection. */
    static final List<String> VISION_LORA = List.of("vision.**.self_attn", "vision.**.self_attn.out_proj");

    private static final ObjectMapper JSON = new ObjectMapper();

    private FinetuneClip() {
    }

    static CommandLine options() {
        return FashionMnistJobs.options(NAME, 5, 32, 0.0015, "runs/finetune-clip")
                .option("weight-decay", "0.05", "AdamW weight decay (not on biases, norms, embeddings)")
                .option("patch", "7", "image tower patch size (a divisor of 28)")
                .option("width", "128", "image tower width (4 layers of 4 heads, MLP twice as wide)")
                .option("stem", "conv", "image tower stem: conv (3x3 stride-2 convolutions with batch norm, Xiao et al."
                        + " 2021) or patch (one linear map per patch)")
                .option("holdout", "0", "leave the last K classes out of training and report their zero-shot accuracy")
                .option("train-limit", "0", "use only the first N training images (0: all)")
                .option("test-limit", "0", "evaluate on the first N test images (0: all)")
                .option("init", null, "start from a finetune-clip checkpoint directory (e.g. runs/x/best)")
                .flag("lora", "LoRA (rank 8) on the image tower's attention (q/k/v and output projections) and on "
                        + "the text tower's query/value; the rest of both towers frozen")
                .flag("resume", "continue from <out>/checkpoints after an interruption");
    }

    static int run(String[] args, PrintStream out) {
        return run(args, out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return FashionMnistJobs.run(NAME, options(), args, out, err,
                (options, log) -> JSON.valueToTree(train(Settings.from(options))));
    }

    record Settings(int epochs, int batchSize, double lr, double weightDecay, int patch, int width,
                    VisionTransformer.Stem stem, long seed,
                    Path out, int holdout,
                    int trainLimit, int testLimit, Path init, boolean lora, boolean resume, CommandLine options) {
        static Settings from(CommandLine c) {
            int holdout = c.integer("holdout", 0);
            if (holdout > CAPTION_LABELS.size() - 2) {
                throw new IllegalArgumentException("--holdout must leave at least 2 training classes, got " + holdout);
            }
            return new Settings(c.integer("epochs", 1), c.integer("batch-size", 2), c.number("lr", 0),
                    c.number("weight-decay", 0), c.integer("patch", 1), c.integer("width", 4), stem(c.string("stem")),
                    c.longValue("seed"), c.path("out"), holdout,
                    c.integer("train-limit", 0), c.integer("test-limit", 0), c.has("init") ? c.path("init") : null,
                    c.flag("lora"), c.flag("resume"), c);
        }

        private static VisionTransformer.Stem stem(String name) {
            return switch (name) {
                case "conv" -> VisionTransformer.Stem.CONV;
                case "patch" -> VisionTransformer.Stem.PATCH;
                default -> throw new IllegalArgumentException("--stem must be conv or patch, got '" + name + "'");
            };
        }

        int trainedClasses() {
            return CAPTION_LABELS.size() - holdout;
        }
    }

    static Map<String, Object> train(Settings s) throws IOException {
        FashionMnistJobs.Splits splits = FashionMnistJobs.load(s.options());
        UInt8ImageDataset train = limit(splits.train(), s.trainLimit());
        UInt8ImageDataset test = limit(splits.test(), s.testLimit());
        int[] trainIndices = train.indicesOfClasses(range(s.trainedClasses()));

        var vision = new VisionTransformer(FashionMnistJobs.vitConfig(10, s.patch(), s.width(), s.stem(), s.seed()));
        ClipModel clip = new ClipModel(vision, BertTextEncoder.miniLm(), 128, s.seed());
        if (s.init() != null) {
            clip.loadStateDict(CheckpointStore.read(CheckpointStore.resolve(s.init())).weights(), true);
        }
        boolean textTrains = configureTrainable(clip, s);
        List<String> seenLabels = CAPTION_LABELS.subList(0, s.trainedClasses());
        ClassCaptions captions = new ClassCaptions(clip, seenLabels, textTrains);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("data", s.options().has("data") ? s.options().string("data") : "bundled subset");
        result.put("train_images", trainIndices.length);
        result.put("test_images", test.size());
        result.put("stem", s.stem().name().toLowerCase(Locale.ROOT));
        result.put("lora", s.lora());
        result.put("trainable_share", (double) clip.trainableParameterCount() / clip.parameterCount());
        result.put("trainable_parameters", clip.trainableParameterCount());
        report(evaluate(clip, test, s.holdout()), "before", result);

        var loader = FashionMnistJobs.trainLoader(FashionMnistJobs.view(train, trainIndices, c -> c), s.batchSize(),
                s.seed());
        var optimizer = new AdamW(ParamGroups.decaySplit(clip, s.lr(), s.weightDecay()));
        long totalSteps = (long) s.epochs() * loader.batchesPerEpoch();
        Trainer trainer = Trainer.builder(clip, optimizer, loader,
                        batch -> clip.classContrastiveLoss(Variable.constant(batch.inputs()), batch.labels(),
                                captions.embeddings()))
                .epochs(s.epochs())
                .schedule(new WarmupCosineLr(Math.max(1, totalSteps / 20), totalSteps, 0.01))
                .clipGradNorm(1.0)
                .evaluator(model -> Map.of("accuracy", (Double) evaluate(clip, test, 0).get("accuracy")), 0, true)
                .monitor("accuracy", Trainer.Goal.MAXIMIZE)
                .outputDir(s.out())
                .build();
        TrainingResult training = s.resume() ? trainer.resume(s.out().resolve("checkpoints")) : trainer.fit();

        report(evaluate(clip, test, s.holdout()), "after", result);
        if (s.lora()) {
            // For deployment: the adapters folded into the weights, saved as the plain model's state dict.
            LoRA.merge(clip);
            Path merged = s.out().resolve("merged.safetensors");
            Safetensors.write(merged, LoRA.withoutAdapters(clip.stateDict()));
            LoRA.unmerge(clip);
            result.put("merged_weights", merged.toString());
        }
        result.put("epochs", training.epochs());
        result.put("seconds_per_epoch", median(training.secondsPerEpoch()));
        result.put("best_accuracy", training.bestMetric());
        return result;
    }

    /**
     * Freezes what {@code --lora} (or the default) does not train; returns whether the text tower trains.
     * Default: everything but the text tower. LoRA: only adapters, projections and the logit scale.
     */
    private static boolean configureTrainable(ClipModel clip, Settings s) {
        clip.freeze("text");
        if (!s.lora()) {
            return false;
        }
        List<String> targets = new ArrayList<>(VISION_LORA);
        BertTextEncoder.LORA_QUERY_VALUE.forEach(glob -> targets.add("text." + glob));
        LoRA.apply(clip, targets, LORA_RANK, LORA_ALPHA, 0f, s.seed());
        clip.unfreeze("image_projection");
        clip.unfreeze("text_projection");
        clip.unfreeze("logit_scale");
        return true;
    }

    /**
     * The class embeddings the loss compares images with, {@code [C, E]}. A frozen text tower's caption
     * features are computed once (all templates); a training one runs on the first template every step.
     */
    private static final class ClassCaptions {
        private final ClipModel clip;
        private final List<String> labels;
        private final Supplier<Variable> embeddings;

        ClassCaptions(ClipModel clip, List<String> labels, boolean textTrains) {
            this.clip = clip;
            this.labels = labels;
            if (textTrains) {
                List<String> first = ZeroShotClassifier.TEMPLATES.subList(0, 1);
                embeddings = () -> ZeroShotClassifier.classEmbeddings(clip, labels, first);
            } else {
                Variable features = frozenFeatures();
                embeddings = () -> ZeroShotClassifier.averageTemplates(clip.embedTextFeatures(features),
                        ZeroShotClassifier.TEMPLATES.size());
            }
        }

        private Variable frozenFeatures() {
            Module text = (Module) clip.textEncoder();
            text.eval();
            try (var scope = NoGrad.enter()) {
                return clip.textEncoder().encode(ZeroShotClassifier.allPrompts(labels, ZeroShotClassifier.TEMPLATES))
                        .detach();
            }
        }

        Variable embeddings() {
            return embeddings.get();
        }
    }

    /**
     * Test-split metrics of the current model: 10-way accuracy by nearest class embedding, image→text and
     * text→image recall@1/5 over the class captions, and with a holdout the held-out images' accuracy among
     * the held-out captions and among all.
     */
    static Map<String, Object> evaluate(ClipModel clip, UInt8ImageDataset test, int holdout) {
        boolean wasTraining = clip.isTraining();
        clip.eval();
        try (var scope = NoGrad.enter()) {
            ZeroShotClassifier classifier = new ZeroShotClassifier(clip, CAPTION_LABELS, ZeroShotClassifier.TEMPLATES);
            Tensor images = embedImages(clip, test);
            Tensor similarity = ClipModel.similarity(Variable.constant(images),
                    Variable.constant(classifier.classEmbeddings())).data();
            long[] labels = new long[test.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = test.label(i);
            }
            long[] captionLabels = new long[CAPTION_LABELS.size()];
            for (int c = 0; c < captionLabels.length; c++) {
                captionLabels[c] = c;
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            double top1 = RetrievalRecall.imageToText(similarity, labels, captionLabels, 1);
            metrics.put("accuracy", top1);          // the nearest caption is the class: recall@1 is the accuracy
            metrics.put("recall_at_1", top1);
            metrics.put("recall_at_5", RetrievalRecall.imageToText(similarity, labels, captionLabels, 5));
            metrics.put("text_to_image_recall_at_1", RetrievalRecall.textToImage(similarity, labels, captionLabels, 1));
            metrics.put("text_to_image_recall_at_5", RetrievalRecall.textToImage(similarity, labels, captionLabels, 5));
            if (holdout > 0) {
                metrics.putAll(holdoutAccuracy(similarity, labels, holdout));
            }
            return metrics;
        } finally {
            clip.train(wasTraining);
        }
    }

    /** Held-out images scored among the K held-out captions ({@code holdout_accuracy}) and among all. */
    private static Map<String, Object> holdoutAccuracy(Tensor similarity, long[] labels, int holdout) {
        int classes = CAPTION_LABELS.size();
        int first = classes - holdout;
        float[] scores = similarity.toFloatArray();
        int images = 0;
        int amongHeldOut = 0;
        int amongAll = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < first) {
                continue;
            }
            images++;
            amongHeldOut += argmax(scores, i * classes, first, classes) == labels[i] ? 1 : 0;
            amongAll += argmax(scores, i * classes, 0, classes) == labels[i] ? 1 : 0;
        }
        return Map.of("holdout_accuracy", (double) amongHeldOut / images,
                "holdout_generalized_accuracy", (double) amongAll / images);
    }

    private static int argmax(float[] scores, int row, int from, int to) {
        int best = from;
        for (int c = from + 1; c < to; c++) {
            if (scores[row + c] > scores[row + best]) {
                best = c;
            }
        }
        return best;
    }

    /** Unit-norm embeddings {@code [N, E]} of every test image, in batches. */
    private static Tensor embedImages(ClipModel clip, UInt8ImageDataset test) {
        List<Tensor> parts = new ArrayList<>();
        Dataset images = FashionMnistJobs.view(test, range(test.size()), c -> c);
        try (var batches = DataLoader.builder(images, EVAL_BATCH).build().epoch(0, 0)) {
            batches.forEachRemaining(batch -> parts.add(clip.encodeImages(Variable.constant(batch.inputs())).data()));
        }
        return Joining.cat(0, parts);
    }

    private static UInt8ImageDataset limit(UInt8ImageDataset data, int limit) {
        return limit <= 0 ? data : data.first(limit);
    }

    private static void report(Map<String, Object> metrics, String phase, Map<String, Object> result) {
        metrics.forEach((name, value) -> result.put(name + "_" + phase, value));
    }

    private static int[] range(int n) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        return values;
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }
}
