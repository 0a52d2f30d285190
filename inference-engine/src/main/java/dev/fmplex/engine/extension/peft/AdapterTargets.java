package dev.fmplex.engine.extension.peft;

import dev.fmplex.engine.backbone.BertConfig;
import dev.fmplex.engine.backbone.BertParameterNames.LayerLinear;
import dev.fmplex.engine.backbone.patchtst.PatchTstConfig;
import dev.fmplex.engine.backbone.patchtst.PatchTstParameterNames;
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
 *     vit.}, {@code model.}); PEFT keys may carry it or not
 * @param layerPath the module list holding the layers: {@code encoder.layer} or {@code
 *     encoder.layers}
 * @param hiddenSize width of the projections' hidden states
 * @param paths each projection's module path inside an encoder layer
 * @param promptPositions positions free for virtual tokens beside the longest input; 0 when the
 *     family takes no soft prompts
 * @param tokenOutputs whether token-level heads (token classification) apply
 * @param featureSize what a head reads per input: the hidden size, or for a series the channels'
 *     pooled features concatenated ({@code channels x d_model})
 * @param channelFeatures what a forecast head reads per channel ({@code d_model}); 0 when the
 *     family does not forecast
 * @param clsPosition whether position 0 is a class token, so {@code cls} pooling means something
 * @param headAliases the family's own head tensor names, mapped to the canonical {@code
 *     classifier.*}, e.g. PatchTST's {@code head.linear.weight}
 */
public record AdapterTargets(
        String family,
        String modelPrefix,
        String layerPath,
        int layers,
        int hiddenSize,
        int intermediateSize,
        Map<LayerLinear, String> paths,
        int promptPositions,
        boolean tokenOutputs,
        int featureSize,
        int channelFeatures,
        boolean clsPosition,
        Map<String, String> headAliases) {

    public AdapterTargets {
        paths = Map.copyOf(paths);
        headAliases = Map.copyOf(headAliases);
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
                "encoder.layer",
                config.layers(),
                config.hiddenSize(),
                config.intermediateSize(),
                paths,
                Math.max(0, config.maxPositions() - maxInputTokens),
                true,
                config.hiddenSize(),
                0,
                true,
                Map.of());
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
                "encoder.layer",
                config.layers(),
                config.hiddenSize(),
                config.intermediateSize(),
                paths,
                0,
                false,
                config.hiddenSize(),
                0,
                true,
                Map.of());
    }

    /**
     * A PatchTST encoder: heads read every channel's pooled features ({@code head.linear} of the
     * classification model, {@code head.projection} of the regression and prediction models), a
     * forecast head each channel's own.
     */
    public static AdapterTargets patchTst(PatchTstConfig config) {
        Map<LayerLinear, String> paths = new EnumMap<>(LayerLinear.class);
        for (LayerLinear linear : LayerLinear.values()) {
            paths.put(linear, PatchTstParameterNames.path(linear));
        }
        return new AdapterTargets(
                "PatchTST",
                "model.",
                "encoder.layers",
                config.layers(),
                config.dModel(),
                config.ffnDim(),
                paths,
                0,
                false,
                config.channels() * config.dModel(),
                config.dModel(),
                config.clsToken(),
                Map.of(
                        "head.linear.weight", "classifier.weight",
                        "head.linear.bias", "classifier.bias",
                        "head.projection.weight", "classifier.weight",
                        "head.projection.bias", "classifier.bias"));
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
                Pattern.quote(layerPath)
                        + "\\.(\\d+)\\.("
                        + alternatives
                        + ")\\.lora_([AB])\\.weight");
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
