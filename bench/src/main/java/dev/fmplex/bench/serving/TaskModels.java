package dev.fmplex.bench.serving;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.bench.RandomLora;
import dev.fmplex.engine.extension.LoraAdapter;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.LinearClassifierHead;
import dev.fmplex.engine.family.bert.BertConfig;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.model.task.ClassificationTask;
import java.util.List;

/**
 * The benchmark's tasks: a mix of what users deploy. Even tasks are LoRA fine-tunes (r=8 on query
 * and value of every layer) with a 3-label classifier; odd tasks are a classifier head alone on the
 * frozen backbone. Task {@code k} has the same weights in every deployment (seeded by {@code k}).
 */
final class TaskModels {

    private static final int RANK = 8;
    private static final List<String> LABELS = List.of("negative", "neutral", "positive");

    private TaskModels() {}

    static boolean hasLora(int task) {
        return task % 2 == 0;
    }

    /** Task {@code task}'s model on {@code runtime}, its tensors under the runtime's root. */
    static VfmModel build(BertServedBackbone runtime, int task) {
        BertConfig config = runtime.config();
        NDManager manager = runtime.root().newSubManager();
        manager.getEngine().setRandomSeed(1000 + task);
        LoraAdapter lora = hasLora(task) ? RandomLora.onQueryAndValue(config, manager, RANK) : null;
        LinearClassifierHead head =
                new LinearClassifierHead(
                        manager.randomNormal(
                                0,
                                0.05f,
                                new Shape(LABELS.size(), config.hiddenSize()),
                                DataType.FLOAT32),
                        manager.zeros(new Shape(LABELS.size())),
                        LABELS,
                        false);
        return new VfmModel(
                "task-" + task,
                1,
                new ClassificationTask(LABELS, false, null, null),
                config.layers(),
                lora,
                null,
                head,
                manager);
    }
}
