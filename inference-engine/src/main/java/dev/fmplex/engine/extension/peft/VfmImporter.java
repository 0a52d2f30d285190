package dev.fmplex.engine.extension.peft;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.SafetensorsTensors.HostTensor;
import dev.fmplex.engine.extension.LoraAdapter;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.extension.SoftPrompt;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.model.task.TaskSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds a {@link VfmModel} from a task and its uploaded files, validating everything against the
 * backbone first.
 *
 * <p>This class holds the manifest rules (which files, in which combinations) and routes each
 * tensor to the part that checks it: {@link PeftKeys} (names), {@link LoraPairing}, {@link
 * SoftPromptRules} and {@link HeadChoice}; only once all passed does it materialise the version.
 *
 * <p>Accepted files: {@code adapter_config.json} + {@code adapter_model.safetensors} (PEFT LoRA,
 * with heads from {@code modules_to_save}, or PEFT prompt tuning), and {@code head.safetensors} (a
 * plain head). Tensor names may carry PEFT's {@code base_model.model.} and the family's model
 * prefix ({@code bert.}, {@code vit.}, {@code model.}). All checks run on Java arrays; native
 * memory is allocated only once everything passed, so a rejected upload leaves nothing behind.
 */
public final class VfmImporter {

    public static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";
    public static final String HEAD_FILE = "head.safetensors";
    public static final Set<String> ACCEPTED_FILES =
            Set.of(AdapterConfig.FILE, ADAPTER_WEIGHTS, HEAD_FILE);

    static final String PROMPT_KEY = "prompt_embeddings";
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
    private final LoraPairing loraPairing;
    private final HeadChoice headChoice;

    public VfmImporter(AdapterTargets backbone) {
        this(backbone, null);
    }

    /**
     * @param prompts builds zero-shot heads; null for backbones without a text tower beside images
     */
    public VfmImporter(AdapterTargets backbone, PromptEncoder prompts) {
        this.backbone = backbone;
        this.loraPairing = new LoraPairing(backbone);
        this.headChoice = new HeadChoice(backbone, prompts);
    }

    /** What of the backbone files may adapt: the sites and names an exported adapter uses. */
    public AdapterTargets targets() {
        return backbone;
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
                    PeftKeys.canonical(
                            PeftKeys.read(ADAPTER_WEIGHTS, files.get(ADAPTER_WEIGHTS)),
                            ADAPTER_WEIGHTS,
                            backbone);
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
                    PeftKeys.canonical(
                                    PeftKeys.read(HEAD_FILE, files.get(HEAD_FILE)),
                                    HEAD_FILE,
                                    backbone)
                            .entrySet()) {
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

        List<LoraPairing.PendingLora> lora =
                adapter != null && adapter.peftType().equals(AdapterConfig.LORA)
                        ? loraPairing.pair(adapter, loraTensors)
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
        SoftPromptRules.check(adapter, promptTensor, backbone);
        HeadChoice.PendingHead head = headChoice.choose(task, headTensors);

        NDManager manager = parent.newSubManager();
        try {
            List<LoraModule> modules = new ArrayList<>();
            for (LoraPairing.PendingLora pending : lora) {
                modules.add(pending.build(manager));
            }
            SoftPrompt prompt =
                    promptTensor == null ? null : new SoftPrompt(promptTensor.toNDArray(manager));
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

    static String unexpected(String file, String key) {
        return file
                + ": unexpected tensor '"
                + key
                + "'; expected LoRA (…lora_A/B.weight), prompt_embeddings or a"
                + " head (classifier.*, score.*)";
    }
}
