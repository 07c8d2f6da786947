package dev.cortado.models.clip;

import dev.cortado.autograd.IndexOps;
import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot classification with a {@link ClipModel}, as CLIP does it: each class name is written into
 * prompt templates ("a photo of a {label}."), the prompts' text embeddings are averaged per class over the
 * templates and re-normalised, and an image gets the class whose embedding is nearest (largest cosine).
 * <pre>{@code
 * var classifier = new ZeroShotClassifier(clip, List.of("T-shirt", "trouser", ...), ZeroShotClassifier.TEMPLATES);
 * ZeroShotClassifier.Result r = classifier.classify(images);   // logits [N, C], predictions [N]
 * }</pre>
 * The class embeddings are computed once, under {@link NoGrad}, when the classifier is built: after the
 * model has trained, build a new one. For training, {@link #classEmbeddings} is the differentiable form
 * (recomputed each step when the text tower trains) and {@link #byLabel} gives each image its caption's
 * row without encoding a caption per image.
 */
public final class ZeroShotClassifier {
    /** The placeholder for the class name in a template. */
    public static final String LABEL = "{label}";
    /** A few of CLIP's prompt templates, usable for any object classes. */
    public static final List<String> TEMPLATES = List.of("a photo of a {label}.", "a picture of a {label}.",
            "an image of a {label}.", "a close-up photo of a {label}.");

    /** Class scores min(e^s, 100)·cos {@code [N, C]} and the index of the highest per image. */
    public record Result(Tensor logits, int[] predictions) {
    }

    private final ClipModel model;
    private final List<String> labels;
    private final Variable classEmbeddings;

    /** Encodes the class prompts now (no gradients). */
    public ZeroShotClassifier(ClipModel model, List<String> labels, List<String> templates) {
        this.model = model;
        this.labels = List.copyOf(labels);
        try (var scope = NoGrad.enter()) {
            this.classEmbeddings = classEmbeddings(model, labels, templates).detach();
        }
    }

    /** The prompts for one template: {@code {label}} replaced by each label, in order. */
    public static List<String> prompts(String template, List<String> labels) {
        if (!template.contains(LABEL)) {
            throw new IllegalArgumentException("ZeroShotClassifier: template '" + template + "' has no " + LABEL);
        }
        return labels.stream().map(label -> template.replace(LABEL, label)).toList();
    }

    /**
     * Unit-norm class embeddings {@code [C, E]}: normalize(Σ_t T_t[c]) over the templates t, where T_t are
     * the model's normalised text embeddings of template t's prompts ({@link ClipModel#encodeTexts}). All
     * C·(templates) prompts go through the text tower as one batch; differentiable when gradients are on.
     */
    public static Variable classEmbeddings(ClipModel model, List<String> labels, List<String> templates) {
        return averageTemplates(model.encodeTexts(allPrompts(labels, templates)), templates.size());
    }

    /** Every template's prompts for the C labels, template-major: {@code templates·C} texts. */
    public static List<String> allPrompts(List<String> labels, List<String> templates) {
        if (labels.isEmpty() || templates.isEmpty()) {
            throw new IllegalArgumentException("ZeroShotClassifier: need at least one label and one template, got "
                    + labels.size() + " labels and " + templates.size() + " templates");
        }
        List<String> prompts = new ArrayList<>();
        for (String template : templates) {
            prompts.addAll(prompts(template, labels));
        }
        return prompts;
    }

    /**
     * normalize(Σ_t T_t[c]): unit-norm class embeddings {@code [C, E]} from the embeddings of
     * {@link #allPrompts} {@code [templates·C, E]} (template-major).
     */
    public static Variable averageTemplates(Variable promptEmbeddings, int templates) {
        if (templates < 1 || promptEmbeddings.size(0) % templates != 0) {
            throw new IllegalArgumentException("ZeroShotClassifier: " + promptEmbeddings.size(0)
                    + " prompt embeddings do not split into " + templates + " templates");
        }
        if (templates == 1) {
            return promptEmbeddings;
        }
        Variable perTemplate = ShapeOps.reshape(promptEmbeddings, templates, promptEmbeddings.size(0) / templates,
                promptEmbeddings.size(1));
        return ClipLosses.normalize(ReductionOps.sum(perTemplate, new int[] {0}, false));
    }

    /** Each sample's class row: {@code classEmbeddings[labels]} {@code [B, E]} for INT64 labels {@code [B]}. */
    public static Variable byLabel(Variable classEmbeddings, Tensor labels) {
        return IndexOps.indexSelect(classEmbeddings, 0, labels);
    }

    /** Class logits {@code [N, C]} for images {@code [N, ...]}, without gradients. */
    public Tensor logits(Variable images) {
        try (var scope = NoGrad.enter()) {
            return model.logits(model.encodeImages(images), classEmbeddings).data();
        }
    }

    /** The logits and, per image, the class with the highest (first of equals). */
    public Result classify(Variable images) {
        Tensor logits = logits(images);
        int rows = logits.size(0);
        int classes = logits.size(1);
        float[] values = logits.toFloatArray();
        int[] predictions = new int[rows];
        for (int n = 0; n < rows; n++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (values[n * classes + c] > values[n * classes + best]) {
                    best = c;
                }
            }
            predictions[n] = best;
        }
        return new Result(logits, predictions);
    }

    /** The fixed class embeddings {@code [C, E]}. */
    public Tensor classEmbeddings() {
        return classEmbeddings.data();
    }

    public List<String> labels() {
        return labels;
    }
}
