package dev.fmplex.engine.extension.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.checkpoint.SafetensorsTensors.HostTensor;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.extension.head.EmbeddingHead;
import dev.fmplex.engine.extension.head.ForecastHead;
import dev.fmplex.engine.extension.head.Head;
import dev.fmplex.engine.extension.head.LinearClassifierHead;
import dev.fmplex.engine.extension.head.MlpClassifierHead;
import dev.fmplex.engine.extension.head.RegressionHead;
import dev.fmplex.engine.extension.head.TokenClassifierHead;
import dev.fmplex.engine.extension.head.ZeroShotHead;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.ForecastingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.task.TokenClassificationTask;
import dev.fmplex.model.task.ZeroShotClassificationTask;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Which head a vFM gets for its task, from the head tensors its files carry (a linear or MLP
 * classifier, a regressor, a token classifier, a forecaster), with every shape checked against the
 * backbone's features; an embedding takes none, and a zero-shot head is built from its label
 * prompts.
 */
final class HeadChoice {

    private final AdapterTargets backbone;
    private final VfmImporter.PromptEncoder prompts;

    HeadChoice(AdapterTargets backbone, VfmImporter.PromptEncoder prompts) {
        this.backbone = backbone;
        this.prompts = prompts;
    }

    /** A head checked on the host, ready to become tensors. */
    @FunctionalInterface
    interface PendingHead {
        /**
         * @param adapter the version's LoRA modules, already built (a zero-shot head embeds its
         *     prompts through them)
         */
        Head build(NDManager manager, List<LoraModule> adapter);
    }

    PendingHead choose(TaskSpec task, Map<String, HostTensor> tensors) throws ArtifactException {
        if (task instanceof TokenClassificationTask && !backbone.tokenOutputs()) {
            throw new ArtifactException(
                    null,
                    "task kind "
                            + task.kind()
                            + " needs a text backbone, not "
                            + backbone.family());
        }
        if (task instanceof ForecastingTask && backbone.channelFeatures() == 0) {
            throw new ArtifactException(
                    null,
                    "task kind "
                            + task.kind()
                            + " needs a time-series backbone, not "
                            + backbone.family());
        }
        if (task.pooling() == Pooling.CLS && !backbone.clsPosition()) {
            throw new ArtifactException(
                    null,
                    "task.pooling cls reads a class token, and this "
                            + backbone.family()
                            + " backbone has none (use_cls_token is false): use mean or max");
        }
        if (task instanceof ZeroShotClassificationTask zeroShot) {
            if (prompts == null) {
                throw new ArtifactException(
                        null,
                        "task kind " + task.kind() + " needs an image-text backbone such as CLIP");
            }
            if (!tensors.isEmpty()) {
                throw new ArtifactException(
                        null,
                        "task kind "
                                + task.kind()
                                + " builds its head from its label prompts, but the artifacts hold "
                                + tensors.keySet());
            }
            return (manager, adapter) -> {
                float[][] embeddings = prompts.embed(zeroShot.prompts(), adapter);
                int width = embeddings[0].length;
                float[] transposed = new float[width * embeddings.length];
                for (int i = 0; i < embeddings.length; i++) {
                    for (int j = 0; j < width; j++) {
                        transposed[j * embeddings.length + i] = embeddings[i][j];
                    }
                }
                return new ZeroShotHead(
                        manager.create(transposed, new Shape(width, embeddings.length)),
                        prompts.logitScale(),
                        zeroShot.labels());
            };
        }
        if (task instanceof EmbeddingTask embedding) {
            if (!tensors.isEmpty()) {
                throw new ArtifactException(
                        null,
                        "task kind embedding takes no head, but the artifacts hold "
                                + tensors.keySet());
            }
            return (manager, adapter) -> new EmbeddingHead(embedding.normalize());
        }
        if (tensors.isEmpty()) {
            throw new ArtifactException(
                    null,
                    "task kind "
                            + task.kind()
                            + " needs a trained head: classifier.weight (or score.weight,"
                            + " or classifier.dense.* + classifier.out_proj.*) in "
                            + VfmImporter.ADAPTER_WEIGHTS
                            + " (modules_to_save) or "
                            + VfmImporter.HEAD_FILE);
        }
        boolean mlp =
                tensors.containsKey("classifier.dense.weight")
                        || tensors.containsKey("classifier.out_proj.weight");
        if (mlp) {
            if (!(task instanceof ClassificationTask classification)) {
                throw new ArtifactException(
                        null,
                        "an MLP head (classifier.dense/out_proj) needs task kind classification");
            }
            int labels = classification.labels().size();
            HostTensor dense =
                    require(
                            tensors,
                            "classifier.dense.weight",
                            backbone.featureSize(),
                            backbone.featureSize());
            HostTensor denseBias =
                    optionalBias(tensors, "classifier.dense.bias", backbone.featureSize());
            HostTensor out =
                    requireRows(
                            tensors,
                            "classifier.out_proj.weight",
                            labels,
                            backbone.featureSize(),
                            "task.labels names " + labels);
            HostTensor outBias = optionalBias(tensors, "classifier.out_proj.bias", labels);
            return (manager, adapter) ->
                    new MlpClassifierHead(
                            array(manager, dense),
                            array(manager, denseBias),
                            array(manager, out),
                            array(manager, outBias),
                            classification.labels(),
                            classification.multiLabel());
        }
        String prefix = tensors.containsKey("classifier.weight") ? "classifier" : "score";
        int rows;
        String why;
        if (task instanceof ClassificationTask classification) {
            rows = classification.labels().size();
            why = "task.labels names " + rows;
        } else if (task instanceof TokenClassificationTask tokens) {
            rows = tokens.labels().size();
            why = "task.labels names " + rows;
        } else if (task instanceof RegressionTask) {
            rows = 1;
            why = "a regression head has 1";
        } else if (task instanceof ForecastingTask forecasting) {
            rows = forecasting.horizon();
            why = "task.horizon is " + rows;
        } else {
            throw new ArtifactException(null, "no head for task kind " + task.kind());
        }
        int inputs =
                task instanceof ForecastingTask
                        ? backbone.channelFeatures()
                        : backbone.featureSize();
        HostTensor weight = requireRows(tensors, prefix + ".weight", rows, inputs, why);
        HostTensor bias = optionalBias(tensors, prefix + ".bias", rows);
        if (task instanceof ClassificationTask classification) {
            return (manager, adapter) ->
                    new LinearClassifierHead(
                            array(manager, weight),
                            array(manager, bias),
                            classification.labels(),
                            classification.multiLabel());
        } else if (task instanceof TokenClassificationTask tokens) {
            return (manager, adapter) ->
                    new TokenClassifierHead(
                            array(manager, weight), array(manager, bias), tokens.labels());
        } else if (task instanceof ForecastingTask) {
            return (manager, adapter) ->
                    new ForecastHead(array(manager, weight), array(manager, bias));
        }
        return (manager, adapter) ->
                new RegressionHead(array(manager, weight), array(manager, bias));
    }

    private HostTensor requireRows(
            Map<String, HostTensor> tensors, String name, int rows, int columns, String why)
            throws ArtifactException {
        HostTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new ArtifactException(null, "head tensor '" + name + "' is missing");
        }
        if (tensor.shape().length != 2 || tensor.shape()[1] != columns) {
            throw new ArtifactException(
                    null,
                    "adapter for another base: "
                            + name
                            + " has shape "
                            + tensor.shapeText()
                            + " but the backbone's "
                            + (columns == backbone.hiddenSize()
                                    ? "hidden size is "
                                    : "head input is ")
                            + columns);
        }
        if (tensor.shape()[0] != rows) {
            throw new ArtifactException(
                    null,
                    "number of labels differs from the head: "
                            + name
                            + " has "
                            + tensor.shape()[0]
                            + " rows but "
                            + why);
        }
        return tensor;
    }

    private HostTensor require(
            Map<String, HostTensor> tensors, String name, long rows, long columns)
            throws ArtifactException {
        HostTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new ArtifactException(null, "head tensor '" + name + "' is missing");
        }
        if (!Arrays.equals(tensor.shape(), new long[] {rows, columns})) {
            throw new ArtifactException(
                    null,
                    name
                            + " has shape "
                            + tensor.shapeText()
                            + "; expected ["
                            + rows
                            + ", "
                            + columns
                            + "]");
        }
        return tensor;
    }

    private static HostTensor optionalBias(Map<String, HostTensor> tensors, String name, long size)
            throws ArtifactException {
        HostTensor tensor = tensors.get(name);
        if (tensor != null && !Arrays.equals(tensor.shape(), new long[] {size})) {
            throw new ArtifactException(
                    null, name + " has shape " + tensor.shapeText() + "; expected [" + size + "]");
        }
        return tensor;
    }

    private static NDArray array(NDManager manager, HostTensor tensor) {
        return tensor == null ? null : tensor.toNDArray(manager);
    }
}
