package dev.fmplex.engine.family.bert;

import dev.fmplex.engine.extension.peft.PeftExport;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.training.LoraRecipe;
import dev.fmplex.engine.training.LoraTraining;
import dev.fmplex.engine.training.StepGate;
import dev.fmplex.engine.training.TrainedAdapter;
import dev.fmplex.engine.training.TrainingMemory;
import dev.fmplex.model.api.TrainingReport;
import dev.fmplex.model.training.LoraJob;
import dev.fmplex.model.training.LoraOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The {@code lora} recipe on a BERT-family backbone: {@link BertLoraTrainer} on the serving
 * backbone, or on an eager copy when it serves on ONNX Runtime and released its DJL weights, the
 * result written as PEFT files (the format a version is uploaded in).
 */
final class BertLoraTraining implements LoraTraining {

    private final BertServedBackbone serving;

    BertLoraTraining(BertServedBackbone serving) {
        this.serving = serving;
    }

    /**
     * The eager copy when one is needed; activations at an upper estimate of 24 floats per hidden
     * unit per token and layer (inputs and outputs of every projection, normalizations,
     * feed-forward activations) plus two attention maps per head.
     */
    @Override
    public TrainingMemory estimate(LoraJob job, int passRows) {
        int passTokens = 1;
        for (List<String> texts : List.of(job.trainingTexts(), job.validationTexts())) {
            for (String text : texts) {
                passTokens = Math.max(passTokens, serving.tokenizer().encode(text).ids().length);
            }
        }
        return estimate(
                serving.config(),
                serving.holdsWeights() ? 0 : serving.descriptor().parameterBytes(),
                job.layer(),
                recipe(job).targets(),
                job.rank(),
                job.headWeight().length,
                Math.min(passRows, job.batchRows()),
                passTokens);
    }

    private static final int FLOAT = Float.BYTES;

    /** Arrays kept per trained value: itself, its gradient, AdamW's first and second moments. */
    private static final int COPIES_PER_PARAMETER = 4;

    private static final int FLOATS_PER_HIDDEN_UNIT = 24;

    /**
     * @param layers encoder layers the job runs (those below its head)
     * @param passRows,passTokens the largest pass: rows and padded length
     */
    static TrainingMemory estimate(
            BertConfig config,
            long copyBytes,
            int layers,
            List<Projection> targets,
            int rank,
            int labels,
            int passRows,
            int passTokens) {
        long h = config.hiddenSize();
        long perLayer = 0;
        for (Projection target : targets) {
            long in = target == Projection.OUTPUT ? config.intermediateSize() : h;
            long out = target == Projection.INTERMEDIATE ? config.intermediateSize() : h;
            perLayer += (long) rank * (in + out);
        }
        long trainable = (perLayer * layers + h * labels + labels) * COPIES_PER_PARAMETER * FLOAT;
        long tokens = (long) passRows * passTokens;
        long activations =
                layers
                        * (tokens * h * FLOATS_PER_HIDDEN_UNIT
                                + 2L * passRows * config.attentionHeads() * passTokens * passTokens)
                        * FLOAT;
        return new TrainingMemory(copyBytes, trainable, activations);
    }

    @Override
    public LoraOutcome train(
            LoraJob job,
            int passRows,
            EagerCopy copy,
            StepGate gate,
            Consumer<TrainingReport.Epoch> progress,
            BooleanSupplier cancelled) {
        BertServedBackbone eager =
                serving.holdsWeights() ? serving : (BertServedBackbone) copy.load();
        try {
            TrainedAdapter trained =
                    BertLoraTrainer.of(eager)
                            .train(
                                    split(job.trainingTexts(), job.trainingLabels()),
                                    split(job.validationTexts(), job.validationLabels()),
                                    new BertLoraTrainer.Head(
                                            job.layer(),
                                            job.pooling(),
                                            job.headWeight(),
                                            job.headBias()),
                                    recipe(job),
                                    passRows,
                                    gate,
                                    epoch -> progress.accept(report(epoch)),
                                    cancelled);
            return new LoraOutcome(
                    PeftExport.files(eager.importer().targets(), trained, job.backbone()),
                    trained.epochs().stream().map(BertLoraTraining::report).toList(),
                    trained.startValidationLoss(),
                    trained.bestEpoch(),
                    trained.stoppedEarly());
        } finally {
            if (eager != serving) {
                eager.close();
            }
        }
    }

    private BertLoraTrainer.Split split(List<String> texts, int[] labels) {
        List<EncodedText> encoded = new ArrayList<>(texts.size());
        for (String text : texts) {
            encoded.add(serving.tokenizer().encode(text));
        }
        return new BertLoraTrainer.Split(encoded, labels);
    }

    private static LoraRecipe recipe(LoraJob job) {
        return new LoraRecipe(
                job.rank(),
                job.alpha(),
                job.targets().stream().map(Projection::valueOf).toList(),
                job.learningRate(),
                job.weightDecay(),
                job.epochs(),
                job.batchRows(),
                job.patience(),
                job.seed());
    }

    private static TrainingReport.Epoch report(TrainedAdapter.Epoch epoch) {
        return new TrainingReport.Epoch(
                epoch.epoch(),
                epoch.trainingLoss(),
                epoch.validationLoss(),
                epoch.validationAccuracy());
    }
}
