package dev.fmplex.engine.extension.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.checkpoint.SafetensorsTensors;
import dev.fmplex.engine.checkpoint.SafetensorsTensors.HostTensor;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.extension.LoraAdapter;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.extension.SoftPrompt;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.EmbeddingHead;
import dev.fmplex.engine.extension.head.ForecastHead;
import dev.fmplex.engine.extension.head.Head;
import dev.fmplex.engine.extension.head.LinearClassifierHead;
import dev.fmplex.engine.extension.head.MlpClassifierHead;
import dev.fmplex.engine.extension.head.RegressionHead;
import dev.fmplex.engine.extension.head.TokenClassifierHead;
import dev.fmplex.engine.extension.head.ZeroShotHead;
import dev.fmplex.engine.extension.peft.AdapterTargets.Tower;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.ForecastingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.task.TokenClassificationTask;
import dev.fmplex.model.task.ZeroShotClassificationTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link VfmModel} from a task and its uploaded files, validating everything against the
 * backbone first.
 *
 * <p>Accepted files: {@code adapter_config.json} + {@code adapter_model.safetensors} (PEFT LoRA,
 * with heads from {@code modules_to_save}, or PEFT prompt tuning), and {@code head.safetensors} (a
 * plain head). Tensor names may carry PEFT's {@code base_model.model.} and a {@code bert.} prefix.
 * All checks run on Java arrays; native memory is allocated only once everything passed, so a
 * rejected upload leaves nothing behind.
 */
public final class VfmImporter {

    public static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";
    public static final String HEAD_FILE = "head.safetensors";
    public static final Set<String> ACCEPTED_FILES =
            Set.of(AdapterConfig.FILE, ADAPTER_WEIGHTS, HEAD_FILE);

    private static final String PROMPT_KEY = "prompt_embeddings";
    private static final Set<String> HEAD_KEYS =
            Set.of(
                    "classifier.weight",
                    "classifier.bias",
                    "score.weight",
                    "score.bias",
                    "classifier.dense.weight",
                    "classifier.dense.bias",
                    "classifier.out_proj.weight",
                    "classifier.out_proj.bias");

    /**
     * What a backbone with a text tower beside its image tower (CLIP) offers to build zero-shot
     * heads at load: prompts embedded through the text tower with the vFM's own adapter.
     */
    public interface PromptEncoder {

        /**
         * @return one unit-normalized embedding per prompt
         */
        float[][] embed(List<String> prompts, List<LoraModule> adapter);

        /** {@code exp(logit_scale)}. */
        float logitScale();
    }

    private final AdapterTargets backbone;
    private final Pattern loraKey;
    private final PromptEncoder prompts;

    public VfmImporter(AdapterTargets backbone) {
        this(backbone, null);
    }

    /**
     * @param prompts builds zero-shot heads; null for backbones without a text tower beside images
     */
    public VfmImporter(AdapterTargets backbone, PromptEncoder prompts) {
        this.backbone = backbone;
        this.loraKey = backbone.loraKey();
        this.prompts = prompts;
    }

    /**
     * Validates {@code files} for {@code task} and builds the version in a new sub-manager of
     * {@code parent}, capped once built.
     */
    public VfmModel load(
            String vfmId, int version, TaskSpec task, Map<String, byte[]> files, NDManager parent)
            throws ArtifactException {
        for (String name : files.keySet()) {
            if (!ACCEPTED_FILES.contains(name)) {
                throw new ArtifactException(
                        name,
                        "file '"
                                + name
                                + "' is not an accepted artifact; expected "
                                + new TreeSet<>(ACCEPTED_FILES));
            }
        }
        int layer = task.layer() == null ? backbone.layers() : task.layer();
        if (layer < 0 || layer > backbone.layers()) {
            throw new ArtifactException(
                    null, "task.layer " + layer + " is outside [0, " + backbone.layers() + "]");
        }
        AdapterConfig adapter = null;
        Map<String, HostTensor> adapterTensors = Map.of();
        if (files.containsKey(AdapterConfig.FILE) != files.containsKey(ADAPTER_WEIGHTS)) {
            throw new ArtifactException(
                    null,
                    "a PEFT adapter needs both " + AdapterConfig.FILE + " and " + ADAPTER_WEIGHTS);
        }
        if (files.containsKey(AdapterConfig.FILE)) {
            adapter = AdapterConfig.parse(files.get(AdapterConfig.FILE), backbone);
            adapterTensors =
                    canonical(read(ADAPTER_WEIGHTS, files.get(ADAPTER_WEIGHTS)), ADAPTER_WEIGHTS);
        }
        Map<String, HostTensor> headTensors = new LinkedHashMap<>();
        Map<String, HostTensor> loraTensors = new TreeMap<>();
        HostTensor promptTensor = null;
        for (Map.Entry<String, HostTensor> entry : adapterTensors.entrySet()) {
            String key = entry.getKey();
            if (HEAD_KEYS.contains(key)) {
                headTensors.put(key, entry.getValue());
            } else if (key.equals(PROMPT_KEY)) {
                promptTensor = entry.getValue();
            } else if (key.contains("lora_")) {
                loraTensors.put(key, entry.getValue());
            } else {
                throw new ArtifactException(ADAPTER_WEIGHTS, unexpected(ADAPTER_WEIGHTS, key));
            }
        }
        if (files.containsKey(HEAD_FILE)) {
            for (Map.Entry<String, HostTensor> entry :
                    canonical(read(HEAD_FILE, files.get(HEAD_FILE)), HEAD_FILE).entrySet()) {
                String key =
                        entry.getKey().equals("weight") || entry.getKey().equals("bias")
                                ? "classifier." + entry.getKey()
                                : entry.getKey();
                if (!HEAD_KEYS.contains(key)) {
                    throw new ArtifactException(HEAD_FILE, unexpected(HEAD_FILE, entry.getKey()));
                }
                if (headTensors.put(key, entry.getValue()) != null) {
                    throw new ArtifactException(
                            HEAD_FILE,
                            key + " is in both " + ADAPTER_WEIGHTS + " and " + HEAD_FILE);
                }
            }
        }

        List<PendingLora> lora =
                adapter != null && adapter.peftType().equals(AdapterConfig.LORA)
                        ? lora(adapter, loraTensors)
                        : List.of();
        if (adapter != null && adapter.peftType().equals(AdapterConfig.LORA) && lora.isEmpty()) {
            throw new ArtifactException(
                    ADAPTER_WEIGHTS, ADAPTER_WEIGHTS + " holds no lora_A/lora_B tensors");
        }
        if (!loraTensors.isEmpty()
                && (adapter == null || !adapter.peftType().equals(AdapterConfig.LORA))) {
            throw new ArtifactException(
                    ADAPTER_WEIGHTS, "LoRA tensors in a " + adapter.peftType() + " adapter");
        }
        checkPrompt(adapter, promptTensor);
        PendingHead head = head(task, headTensors);

        NDManager manager = parent.newSubManager();
        try {
            List<LoraModule> modules = new ArrayList<>();
            for (PendingLora pending : lora) {
                modules.add(pending.build(manager));
            }
            SoftPrompt prompt =
                    promptTensor == null ? null : new SoftPrompt(array(manager, promptTensor));
            VfmModel model =
                    new VfmModel(
                            vfmId,
                            version,
                            task,
                            layer,
                            modules.isEmpty() ? null : new LoraAdapter(modules),
                            prompt,
                            head.build(manager, modules),
                            manager);
            // From here on any op that tried to attach a result to this version would throw.
            manager.cap();
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private Map<String, HostTensor> read(String file, byte[] bytes) throws ArtifactException {
        try {
            return SafetensorsTensors.read(bytes, name -> true);
        } catch (WeightLoadException e) {
            throw new ArtifactException(file, file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Strips PEFT's wrapper prefix and the base model's attribute name ({@code bert.}, {@code
     * vit.}): an adapter trained on a task model carries it, one trained on the bare encoder not.
     */
    private Map<String, HostTensor> canonical(Map<String, HostTensor> tensors, String file)
            throws ArtifactException {
        Map<String, HostTensor> result = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            String key = entry.getKey();
            // LoRA wraps the model twice (base_model.model.), prompt learning once (base_model.).
            for (String prefix : new String[] {"base_model.model.", "base_model."}) {
                if (key.startsWith(prefix)) {
                    key = key.substring(prefix.length());
                    break;
                }
            }
            String model = backbone.modelPrefix();
            key = key.startsWith(model) ? key.substring(model.length()) : key;
            key = backbone.headAliases().getOrDefault(key, key);
            if (result.put(key, entry.getValue()) != null) {
                throw new ArtifactException(file, file + ": tensor '" + key + "' appears twice");
            }
        }
        return result;
    }

    /** Where an adapted projection sits: its tower, its layer there, and which projection. */
    private record ModuleSite(Tower tower, int layer, Projection linear) {}

    /** A LoRA module checked on the host, ready to become tensors. */
    private record PendingLora(
            int layer,
            Projection linear,
            float[] downT,
            long[] downTShape,
            float[] upT,
            long[] upTShape) {
        LoraModule build(NDManager manager) {
            return new LoraModule(
                    layer,
                    linear,
                    manager.create(downT, new Shape(downTShape)),
                    manager.create(upT, new Shape(upTShape)));
        }
    }

    private List<PendingLora> lora(AdapterConfig adapter, Map<String, HostTensor> tensors)
            throws ArtifactException {
        Map<String, HostTensor[]> pairs = new TreeMap<>();
        Map<String, ModuleSite> where = new HashMap<>();
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            Matcher matcher = loraKey.matcher(entry.getKey());
            if (!matcher.matches()) {
                String why =
                        entry.getKey().startsWith("pooler.")
                                ? "adapts the pooler, which is not part of FMplex's backbone"
                                        + " (heads read pooled hidden states; train without"
                                        + " targeting pooler.dense)"
                                : "adapts an unknown target module; "
                                        + backbone.family()
                                        + "'s are "
                                        + backbone.pathList();
                throw new ArtifactException(
                        ADAPTER_WEIGHTS,
                        ADAPTER_WEIGHTS + ": tensor '" + entry.getKey() + "' " + why);
            }
            Tower tower = backbone.towerAt(matcher.group(1));
            int layer;
            try {
                layer = Integer.parseInt(matcher.group(2));
            } catch (NumberFormatException e) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS,
                        "adapter for another base: "
                                + entry.getKey()
                                + " names layer "
                                + matcher.group(2)
                                + " but the backbone has "
                                + tower.layers()
                                + " layers");
            }
            // Keyed by the parsed layer, so "layer.07" and "layer.7" collide as they should.
            String module = tower.layerPath() + "." + layer + "." + matcher.group(3);
            ProjectionSite projection = tower.siteAt(matcher.group(3));
            if (projection == null) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS,
                        ADAPTER_WEIGHTS
                                + ": tensor '"
                                + entry.getKey()
                                + "' adapts "
                                + matcher.group(3)
                                + ", which "
                                + tower.layerPath()
                                + " layers do not have");
            }
            HostTensor[] pair = pairs.computeIfAbsent(module, key -> new HostTensor[2]);
            where.putIfAbsent(module, new ModuleSite(tower, layer, projection.role()));
            int slot = matcher.group(4).equals("A") ? 0 : 1;
            if (pair[slot] != null) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS, module + ".lora_" + matcher.group(4) + " appears twice");
            }
            pair[slot] = entry.getValue();
        }
        List<PendingLora> modules = new ArrayList<>();
        for (Map.Entry<String, HostTensor[]> pair : pairs.entrySet()) {
            String module = pair.getKey();
            HostTensor down = pair.getValue()[0];
            HostTensor up = pair.getValue()[1];
            if (down == null || up == null) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS,
                        module
                                + " has lora_"
                                + (down == null ? "B without lora_A" : "A without lora_B"));
            }
            ModuleSite site = where.get(module);
            Tower tower = site.tower();
            int layer = site.layer();
            Projection linear = site.linear();
            if (layer >= tower.layers()) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS,
                        "adapter for another base: "
                                + module
                                + " but the backbone has "
                                + tower.layers()
                                + " layers");
            }
            if (!adapter.targets().contains(linear)) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS,
                        module + " is not among the target_modules of " + AdapterConfig.FILE);
            }
            long[] weight = tower.site(linear).weightShape(); // [out, in]
            if (down.shape().length != 2 || up.shape().length != 2) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS, module + ": lora_A and lora_B must be matrices");
            }
            if (down.shape()[1] != weight[1] || up.shape()[0] != weight[0]) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS,
                        "adapter for another base: "
                                + module
                                + " has lora_A "
                                + down.shapeText()
                                + " and lora_B "
                                + up.shapeText()
                                + ", but the backbone's layer is ["
                                + weight[0]
                                + ", "
                                + weight[1]
                                + "] (out, in)");
            }
            if (down.shape()[0] != up.shape()[1]) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS,
                        "lora_A/lora_B rank mismatch at "
                                + module
                                + ": lora_A "
                                + down.shapeText()
                                + " has rank "
                                + down.shape()[0]
                                + ", lora_B "
                                + up.shapeText()
                                + " has rank "
                                + up.shape()[1]);
            }
            if (down.shape()[0] != adapter.rank()) {
                throw new ArtifactException(
                        ADAPTER_WEIGHTS,
                        "lora_A/lora_B rank mismatch at "
                                + module
                                + ": tensors have rank "
                                + down.shape()[0]
                                + " but "
                                + AdapterConfig.FILE
                                + " says r="
                                + adapter.rank());
            }
            int rank = (int) down.shape()[0];
            int in = (int) weight[1];
            int out = (int) weight[0];
            float scale = (float) adapter.scaling();
            float[] downT = new float[in * rank];
            for (int r = 0; r < rank; r++) {
                for (int i = 0; i < in; i++) {
                    downT[i * rank + r] = down.values()[r * in + i];
                }
            }
            float[] upT = new float[rank * out];
            for (int o = 0; o < out; o++) {
                for (int r = 0; r < rank; r++) {
                    upT[r * out + o] = scale * up.values()[o * rank + r];
                }
            }
            modules.add(
                    new PendingLora(
                            tower.layerBase() + layer,
                            linear,
                            downT,
                            new long[] {in, rank},
                            upT,
                            new long[] {rank, out}));
        }
        return modules;
    }

    private void checkPrompt(AdapterConfig adapter, HostTensor prompt) throws ArtifactException {
        boolean tuning = adapter != null && adapter.peftType().equals(AdapterConfig.PROMPT_TUNING);
        if (tuning && !backbone.promptTuning()) {
            throw new ArtifactException(
                    AdapterConfig.FILE,
                    "prompt tuning needs positions for virtual tokens beside the inputs; this "
                            + backbone.family()
                            + " backbone has none left");
        }
        if (!tuning) {
            if (prompt != null) {
                throw new ArtifactException(ADAPTER_WEIGHTS, PROMPT_KEY + " in a LORA adapter");
            }
            return;
        }
        if (prompt == null) {
            throw new ArtifactException(
                    ADAPTER_WEIGHTS, ADAPTER_WEIGHTS + " has no '" + PROMPT_KEY + "' tensor");
        }
        long[] expected = {adapter.virtualTokens(), backbone.hiddenSize()};
        if (adapter.tokenDim() != null && adapter.tokenDim() != backbone.hiddenSize()) {
            throw new ArtifactException(
                    AdapterConfig.FILE,
                    "adapter for another base: token_dim "
                            + adapter.tokenDim()
                            + " but the backbone's hidden size is "
                            + backbone.hiddenSize());
        }
        if (!Arrays.equals(prompt.shape(), expected)) {
            throw new ArtifactException(
                    ADAPTER_WEIGHTS,
                    PROMPT_KEY
                            + " has shape "
                            + prompt.shapeText()
                            + "; num_virtual_tokens and the backbone's hidden"
                            + " size require "
                            + Arrays.toString(expected));
        }
        if (adapter.virtualTokens() > backbone.promptPositions()) {
            throw new ArtifactException(
                    AdapterConfig.FILE,
                    adapter.virtualTokens()
                            + " virtual tokens do not fit: beside the input token limit the"
                            + " backbone has "
                            + backbone.promptPositions()
                            + " positions left");
        }
    }

    /** A head checked on the host, ready to become tensors. */
    @FunctionalInterface
    private interface PendingHead {
        /**
         * @param adapter the version's LoRA modules, already built (a zero-shot head embeds its
         *     prompts through them)
         */
        Head build(NDManager manager, List<LoraModule> adapter);
    }

    private PendingHead head(TaskSpec task, Map<String, HostTensor> tensors)
            throws ArtifactException {
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
                            + ADAPTER_WEIGHTS
                            + " (modules_to_save) or "
                            + HEAD_FILE);
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
        return tensor == null ? null : manager.create(tensor.values(), new Shape(tensor.shape()));
    }

    private static String unexpected(String file, String key) {
        return file
                + ": unexpected tensor '"
                + key
                + "'; expected LoRA (…lora_A/B.weight), prompt_embeddings or a"
                + " head (classifier.*, score.*)";
    }
}
