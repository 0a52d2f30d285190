package dev.fmplex.engine.family.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.training.LoraRecipe;
import dev.fmplex.engine.training.StepGate;
import dev.fmplex.engine.training.TrainedAdapter;
import dev.fmplex.engine.training.TrainingCancelledException;
import dev.fmplex.model.task.Pooling;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LoRA training on the real bundled MiniLM, on the eager path. */
class BertLoraTrainerTest {

    private static BertServedBackbone backbone;

    @BeforeAll
    static void load() throws Exception {
        backbone = BundledMiniLm.load(Device.cpu(), 64);
    }

    @AfterAll
    static void close() {
        backbone.close();
    }

    /** "X was good" / "X was not bad": the label is the adjective's sign, flipped by "not". */
    static List<Object[]> negationTask() {
        String[] subjects = {"the movie", "the food", "the service", "the book", "the hotel"};
        String[] good = {"good", "great", "wonderful", "excellent"};
        String[] bad = {"bad", "awful", "terrible", "horrible"};
        List<Object[]> examples = new ArrayList<>();
        for (String subject : subjects) {
            for (boolean negated : new boolean[] {false, true}) {
                for (String adjective : good) {
                    examples.add(
                            new Object[] {sentence(subject, negated, adjective), negated ? 0 : 1});
                }
                for (String adjective : bad) {
                    examples.add(
                            new Object[] {sentence(subject, negated, adjective), negated ? 1 : 0});
                }
            }
        }
        return examples;
    }

    private static String sentence(String subject, boolean negated, String adjective) {
        return subject + " was " + (negated ? "not " : "") + adjective;
    }

    private static BertLoraTrainer.Split split(List<Object[]> examples) {
        List<EncodedText> inputs = new ArrayList<>();
        int[] labels = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            inputs.add(backbone.tokenizer().encode((String) examples.get(i)[0]));
            labels[i] = (int) examples.get(i)[1];
        }
        return new BertLoraTrainer.Split(inputs, labels);
    }

    private static LoraRecipe recipe(int epochs) {
        return new LoraRecipe(
                4, 8, List.of(Projection.QUERY, Projection.VALUE), 5e-3f, 0.01f, epochs, 8, 3, 7);
    }

    private static BertLoraTrainer.Head zeroHead() {
        return new BertLoraTrainer.Head(6, Pooling.MEAN, new float[2][384], new float[2]);
    }

    @Test
    void lowersTheLossFromTheWarmStartAndEveryPassGoesThroughTheGate() {
        List<Object[]> all = negationTask();
        List<Object[]> training = new ArrayList<>();
        List<Object[]> validation = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 4 == 0 ? validation : training).add(all.get(i));
        }
        AtomicInteger passes = new AtomicInteger();
        StepGate counting =
                (rows, length, pass) -> {
                    assertThat(rows).isBetween(1, 4);
                    passes.incrementAndGet();
                    pass.run();
                };
        List<TrainedAdapter.Epoch> seen = new ArrayList<>();
        TrainedAdapter trained =
                BertLoraTrainer.of(backbone)
                        .train(
                                split(training),
                                split(validation),
                                zeroHead(),
                                recipe(6),
                                4,
                                counting,
                                seen::add,
                                () -> false);

        // A zero head starts at ln 2 exactly; the adapter and head must do much better.
        assertThat(trained.startValidationLoss())
                .isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(trained.bestValidationLoss()).isLessThan(0.5 * Math.log(2));
        assertThat(trained.bestEpoch()).isPositive();
        assertThat(seen).isEqualTo(trained.epochs());
        assertThat(trained.modules()).hasSize(12);
        assertThat(trained.modules().get(0).a()).hasSize(4 * 384);
        assertThat(trained.modules().get(0).b()).hasSize(384 * 4).isNotEqualTo(new float[384 * 4]);
        // 60 training examples in passes of 4 each epoch, plus 20 validation examples before
        // the first epoch and after each one.
        assertThat(passes.get()).isEqualTo(trained.epochs().size() * (15 + 5) + 5);
    }

    @Test
    void theSameSeedTrainsTheSameAdapter() {
        List<Object[]> all = negationTask().subList(0, 24);
        TrainedAdapter first = train(all);
        TrainedAdapter second = train(all);
        assertThat(second.modules().get(3).b()).isEqualTo(first.modules().get(3).b());
        assertThat(second.headBias()).isEqualTo(first.headBias());
    }

    private static TrainedAdapter train(List<Object[]> examples) {
        return BertLoraTrainer.of(backbone)
                .train(
                        split(examples),
                        split(examples),
                        zeroHead(),
                        recipe(1),
                        8,
                        StepGate.DIRECT,
                        epoch -> {},
                        () -> false);
    }

    /**
     * The exported PEFT files, imported like any upload, serve what training measured: the served
     * class probabilities give the validation loss the trainer reported for the kept weights.
     */
    @Test
    void theExportServesExactlyWhatTrainingMeasured() throws Exception {
        List<Object[]> all = negationTask();
        List<Object[]> training = all.subList(0, 60);
        List<Object[]> validation = all.subList(60, 80);
        TrainedAdapter trained =
                BertLoraTrainer.of(backbone)
                        .train(
                                split(training),
                                split(validation),
                                zeroHead(),
                                recipe(2),
                                8,
                                StepGate.DIRECT,
                                epoch -> {},
                                () -> false);
        java.util.Map<String, byte[]> files =
                dev.fmplex.engine.extension.peft.PeftExport.files(
                        backbone.importer().targets(), trained, BundledMiniLm.NAME);
        assertThat(files).containsOnlyKeys("adapter_config.json", "adapter_model.safetensors");
        dev.fmplex.model.task.ClassificationTask task =
                new dev.fmplex.model.task.ClassificationTask(
                        List.of("negative", "positive"), false, Pooling.MEAN, null, null);
        dev.fmplex.engine.extension.VfmModel model =
                backbone.importer().load("exported", 1, task, files, backbone.root());
        try {
            BertLoraTrainer.Split rows = split(validation);
            List<dev.fmplex.engine.execution.BatchRow> batch = new ArrayList<>();
            for (EncodedText input : rows.inputs()) {
                batch.add(new dev.fmplex.engine.execution.BatchRow(model, input));
            }
            var results = backbone.execute(batch).results();
            double loss = 0;
            for (int i = 0; i < results.size(); i++) {
                var output =
                        (dev.fmplex.model.api.ClassificationOutput)
                                ((dev.fmplex.engine.execution.RowResult.Success) results.get(i))
                                        .output();
                String label = rows.labels()[i] == 1 ? "positive" : "negative";
                loss -= Math.log(output.scores().get(label));
            }
            assertThat(loss / results.size())
                    .isCloseTo(
                            trained.bestValidationLoss(),
                            org.assertj.core.data.Offset.offset(1e-4));
        } finally {
            model.release();
        }
    }

    @Test
    void aCancelledJobStopsBeforeItsNextPass() {
        AtomicInteger passes = new AtomicInteger();
        StepGate gate =
                (rows, length, pass) -> {
                    passes.incrementAndGet();
                    pass.run();
                };
        assertThatThrownBy(
                        () ->
                                BertLoraTrainer.of(backbone)
                                        .train(
                                                split(negationTask()),
                                                split(negationTask()),
                                                zeroHead(),
                                                recipe(3),
                                                4,
                                                gate,
                                                epoch -> {},
                                                () -> passes.get() >= 3))
                .isInstanceOf(TrainingCancelledException.class);
        assertThat(passes.get()).isEqualTo(3);
    }
}
