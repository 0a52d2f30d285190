package dev.fmplex.engine.extension.peft;

import dev.fmplex.engine.backbone.BertConfig;
import dev.fmplex.engine.backbone.BertParameterNames.LayerLinear;
import dev.fmplex.engine.backbone.vit.VitConfig;
import dev.fmplex.engine.backbone.vit.VitParameterNames;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What of a backbone a vFM's files may adapt, as the importer checks them: the family's module
 * paths of the six projections LoRA targets, their shapes, the prefix its Hugging Face models put
 * before the encoder, and whether soft prompts and token-level heads apply.
 *
 * @param family the family's name in messages, e.g. {@code BERT}
 * @param modelPrefix the attribute a task model keeps the encoder under ({@code bert.}, {@code
 *     vit.}); PEFT keys may carry it or not
 * @param paths each projection's module path inside an encoder layer
 * @param promptPositions positions free for virtual tokens beside the longest input; 0 when the
 *     family takes no soft prompts
 * @param tokenOutputs whether token-level heads (token classification) apply
 */
public record AdapterTargets(
        String family,
        String modelPrefix,
        int layers,
        int hiddenSize,
        int intermediateSize,
        Map<LayerLinear, String> paths,
        int promptPositions,
        boolean tokenOutputs) {

    public AdapterTargets {
        paths = Map.copyOf(paths);
    }

    /**
     * A BERT encoder whose inputs may use {@code maxInputTokens} of its positions.
     *
     * @param maxInputTokens the worker's token limit per input; a prompt must fit beside it
     */
    public static AdapterTargets bert(BertConfig config, int maxInputTokens) {
        Map<LayerLinear, String> paths = new EnumMap<>(LayerLinear.class);
        for (LayerLinear linear : LayerLinear.values()) {
            paths.put(linear, linear.path());
        }
        return new AdapterTargets(
                "BERT",
                "bert.",
                config.layers(),
                config.hiddenSize(),
                config.intermediateSize(),
                paths,
                Math.max(0, config.maxPositions() - maxInputTokens),
                true);
    }

    /** A ViT encoder: fixed positions (no soft prompts), one output per image. */
    public static AdapterTargets vit(VitConfig config) {
        Map<LayerLinear, String> paths = new EnumMap<>(LayerLinear.class);
        for (LayerLinear linear : LayerLinear.values()) {
            paths.put(linear, VitParameterNames.path(linear));
        }
        return new AdapterTargets(
                "ViT",
                "vit.",
                config.layers(),
                config.hiddenSize(),
                config.intermediateSize(),
                paths,
                0,
                false);
    }

    public boolean promptTuning() {
        return promptPositions > 0;
    }

    /** {@code [out, in]} of a projection. */
    public long[] weightShape(LayerLinear linear) {
        long h = hiddenSize;
        long i = intermediateSize;
        return switch (linear) {
            case INTERMEDIATE -> new long[] {i, h};
            case OUTPUT -> new long[] {h, i};
            default -> new long[] {h, h};
        };
    }

    /** The projection at {@code path} inside a layer, or null. */
    public LayerLinear linearAt(String path) {
        for (Map.Entry<LayerLinear, String> entry : paths.entrySet()) {
            if (entry.getValue().equals(path)) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** Matches PEFT's canonical LoRA tensor names: layer, module path, A or B. */
    Pattern loraKey() {
        StringBuilder alternatives = new StringBuilder();
        for (LayerLinear linear : LayerLinear.values()) {
            if (!alternatives.isEmpty()) {
                alternatives.append('|');
            }
            alternatives.append(Pattern.quote(paths.get(linear)));
        }
        return Pattern.compile(
                "encoder\\.layer\\.(\\d+)\\.(" + alternatives + ")\\.lora_([AB])\\.weight");
    }

    /** The six projections' paths, for messages. */
    String pathList() {
        StringBuilder list = new StringBuilder();
        for (LayerLinear linear : LayerLinear.values()) {
            if (!list.isEmpty()) {
                list.append(", ");
            }
            list.append(paths.get(linear));
        }
        return list.toString();
    }
}
