package dev.fmplex.control.training;

import dev.fmplex.model.api.TrainingExample;
import dev.fmplex.model.api.TrainingJobRequest;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.RegressionTask;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A training request checked against its vFM before anything is stored or run: the recipe and its
 * settings, the task kind, every example's input and target (field and index named), the size
 * limit, and enough of each label for the folds and, for {@code lora}, the validation split.
 *
 * @param labels classification: the task's labels, in the order of {@code classes}; else empty
 * @param classes classification: each example's label index; else null
 * @param values regression: each example's target; else null
 * @param lora the {@code lora} recipe's settings; null for {@code head}
 * @param validation {@code lora}: which examples are held out for validation; else null
 */
record TrainingDataset(
        String recipe,
        List<Object> inputs,
        List<String> labels,
        int[] classes,
        double[] values,
        HeadFitter.Options options,
        LoraSettings lora,
        boolean[] validation) {

    static final String HEAD = "head";
    static final String LORA = "lora";

    static TrainingDataset of(VfmView vfm, TrainingJobRequest request) {
        String recipe = request.recipe() == null ? HEAD : request.recipe();
        if (!recipe.equals(HEAD) && !recipe.equals(LORA)) {
            throw invalid(
                    "recipe",
                    "recipe must be head (fit the head on the frozen backbone's features) or lora"
                            + " (LoRA adapters and the head trained on the backbone), is "
                            + recipe);
        }
        boolean lora = recipe.equals(LORA);
        if (!lora && request.lora() != null) {
            throw invalid("lora", "lora settings apply to the lora recipe; set recipe to lora");
        }
        LoraSettings settings = lora ? LoraSettings.of(request.lora()) : null;
        boolean classification = vfm.task() instanceof ClassificationTask;
        if (lora && !classification) {
            throw new FmplexException(
                    ProblemType.INVALID_TASK,
                    "task.kind",
                    "the lora recipe trains classification vFMs; "
                            + vfm.name()
                            + " is "
                            + vfm.task().kind());
        }
        if (!classification && !(vfm.task() instanceof RegressionTask)) {
            throw new FmplexException(
                    ProblemType.INVALID_TASK,
                    "task.kind",
                    "the head recipe trains classification and regression vFMs; "
                            + vfm.name()
                            + " is "
                            + vfm.task().kind());
        }
        if (classification && Boolean.TRUE.equals(((ClassificationTask) vfm.task()).multiLabel())) {
            throw new FmplexException(
                    ProblemType.INVALID_TASK,
                    "task.multiLabel",
                    "the head recipe trains single-label classifiers (softmax); "
                            + vfm.name()
                            + " is multi-label");
        }
        int folds = request.folds() == null ? 5 : request.folds();
        if (folds < 2 || folds > 20) {
            throw invalid("folds", "folds must be in [2, 20], is " + folds);
        }
        List<TrainingExample> examples = request.examples();
        if (examples == null || examples.isEmpty()) {
            throw invalid("examples", "examples must hold at least " + folds + " examples (folds)");
        }
        if (examples.size() > TrainingJobRequest.MAX_EXAMPLES) {
            throw invalid(
                    "examples",
                    "examples holds "
                            + examples.size()
                            + " examples; at most "
                            + TrainingJobRequest.MAX_EXAMPLES
                            + " per job");
        }
        if (examples.size() < folds) {
            throw invalid(
                    "examples",
                    folds
                            + "-fold cross-validation needs at least "
                            + folds
                            + " examples, given "
                            + examples.size());
        }
        List<Object> inputs = new ArrayList<>(examples.size());
        List<String> labels =
                classification ? ((ClassificationTask) vfm.task()).labels() : List.of();
        int[] classes = classification ? new int[examples.size()] : null;
        double[] values = classification ? null : new double[examples.size()];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < examples.size(); i++) {
            TrainingExample example = examples.get(i);
            String at = "examples[" + i + "]";
            if (example == null || example.input() == null) {
                throw invalid(at + ".input", at + ".input is missing");
            }
            if (lora && !(example.input() instanceof String)) {
                throw invalid(
                        at + ".input",
                        at + ".input must be a text for the lora recipe (it trains on sentences)");
            }
            inputs.add(example.input());
            if (classification) {
                int index = example.label() == null ? -1 : labels.indexOf(example.label());
                if (index < 0) {
                    throw invalid(
                            at + ".label",
                            at + ".label must be one of " + labels + ", is " + example.label());
                }
                classes[i] = index;
                seen.add(index);
            } else {
                if (example.value() == null || !Double.isFinite(example.value())) {
                    throw invalid(at + ".value", at + ".value must be a finite number");
                }
                values[i] = example.value();
            }
        }
        if (classification && seen.size() < 2) {
            throw invalid(
                    "examples",
                    "examples must hold at least 2 different labels to train a classifier, they"
                            + " hold only "
                            + labels.get(seen.iterator().next()));
        }
        long seed = request.seed() == null ? 0 : request.seed();
        boolean[] validation =
                lora ? validationSplit(classes, labels, settings, folds, seed) : null;
        return new TrainingDataset(
                recipe,
                inputs,
                labels,
                classes,
                values,
                new HeadFitter.Options(folds, seed, HeadFitter.DEFAULT_L2),
                settings,
                validation);
    }

    /**
     * The examples {@code lora} holds out: a share of every label, so each label needs two
     * examples; the rest must still fill the folds that fit the warm-start head.
     */
    private static boolean[] validationSplit(
            int[] classes, List<String> labels, LoraSettings settings, int folds, long seed) {
        int[] counts = new int[labels.size()];
        for (int c : classes) {
            counts[c]++;
        }
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 1) {
                throw invalid(
                        "examples",
                        "the lora recipe holds out part of every label for validation, so each"
                                + " label needs at least 2 examples; "
                                + labels.get(c)
                                + " has 1");
            }
        }
        boolean[] held = Folds.heldOut(classes, labels.size(), settings.validationFraction(), seed);
        int training = 0;
        for (boolean h : held) {
            training += h ? 0 : 1;
        }
        if (training < folds) {
            throw invalid(
                    "examples",
                    "after the validation split "
                            + training
                            + " examples are left for training; the "
                            + folds
                            + "-fold fit of the warm-start head needs at least "
                            + folds);
        }
        return held;
    }

    /** The examples {@code lora} trains on (all but the validation split), by index. */
    int[] trainingIndices() {
        return indices(false);
    }

    int[] validationIndices() {
        return indices(true);
    }

    private int[] indices(boolean held) {
        return java.util.stream.IntStream.range(0, inputs.size())
                .filter(i -> validation[i] == held)
                .toArray();
    }

    boolean classification() {
        return classes != null;
    }

    private static FmplexException invalid(String field, String detail) {
        return new FmplexException(ProblemType.INVALID_REQUEST, field, detail);
    }
}
