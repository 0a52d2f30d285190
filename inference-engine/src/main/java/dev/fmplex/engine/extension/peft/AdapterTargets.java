package dev.fmplex.engine.extension.peft;

import dev.fmplex.engine.backbone.BertConfig;
import dev.fmplex.engine.backbone.BertParameterNames.LayerLinear;
import dev.fmplex.engine.backbone.clip.ClipConfig;
import dev.fmplex.engine.backbone.clip.ClipParameterNames;
import dev.fmplex.engine.backbone.patchtst.PatchTstConfig;
import dev.fmplex.engine.backbone.patchtst.PatchTstParameterNames;
import dev.fmplex.engine.backbone.vit.VitConfig;
import dev.fmplex.engine.backbone.vit.VitParameterNames;
import java.util.EnumMap;
import java.util.List;
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
 * @param towers the encoders LoRA may adapt, the first the one heads read; CLIP has two
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
        List<Tower> towers,
        Map<LayerLinear, String> paths,
        int promptPositions,
        boolean tokenOutputs,
        int featureSize,
        int channelFeatures,
        boolean clsPosition,
        Map<String, String> headAliases) {

    /**
     * One encoder of a backbone.
     *
     * @param layerPath the module list holding its layers, e.g. {@code encoder.layer}, {@code
     *     vision_model.encoder.layers}
     * @param hiddenSize width of its hidden states
     * @param layerBase added to a layer's index in the {@link
     *     dev.fmplex.engine.extension.LoraModule}s of this tower, so that two towers' layers never
     *     share an index (0 for the first)
     */
    public record Tower(
            String layerPath, int layers, int hiddenSize, int intermediateSize, int layerBase) {

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
    }

    public AdapterTargets {
        towers = List.copyOf(towers);
        paths = Map.copyOf(paths);
        headAliases = Map.copyOf(headAliases);
    }

    /** The first tower's layer count: the range of {@code task.layer}. */
    public int layers() {
        return towers.get(0).layers();
    }

    /** The first tower's width. */
    public int hiddenSize() {
        return towers.get(0).hiddenSize();
    }

    /** The tower whose layers sit at {@code layerPath}, or null. */
    public Tower towerAt(String layerPath) {
        for (Tower tower : towers) {
            if (tower.layerPath().equals(layerPath)) {
                return tower;
            }
        }
        return null;
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
                List.of(
                        new Tower(
                                "encoder.layer",
                                config.layers(),
                                config.hiddenSize(),
                                config.intermediateSize(),
                                0)),
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
                List.of(
                        new Tower(
                                "encoder.layer",
                                config.layers(),
                                config.hiddenSize(),
                                config.intermediateSize(),
                                0)),
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
                List.of(
                        new Tower(
                                "encoder.layers",
                                config.layers(),
                                config.dModel(),
                                config.ffnDim(),
                                0)),
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

    /**
     * CLIP: both towers may be adapted (text layers at 0, vision layers from {@link
     * ClipParameterNames#VISION_LAYER_BASE}); heads read the projected embedding.
     */
    public static AdapterTargets clip(ClipConfig config) {
        Map<LayerLinear, String> paths = new EnumMap<>(LayerLinear.class);
        for (LayerLinear linear : LayerLinear.values()) {
            paths.put(linear, ClipParameterNames.path(linear));
        }
        ClipConfig.Text text = config.text();
        ClipConfig.Vision vision = config.vision();
        return new AdapterTargets(
                "CLIP",
                "",
                List.of(
                        new Tower(
                                ClipParameterNames.Tower.TEXT.layerPath(),
                                text.layers(),
                                text.hiddenSize(),
                                text.intermediateSize(),
                                0),
                        new Tower(
                                ClipParameterNames.Tower.VISION.layerPath(),
                                vision.layers(),
                                vision.hiddenSize(),
                                vision.intermediateSize(),
                                ClipParameterNames.VISION_LAYER_BASE)),
                paths,
                0,
                false,
                config.projectionDim(),
                0,
                true,
                Map.of());
    }

    public boolean promptTuning() {
        return promptPositions > 0;
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

    /** Matches PEFT's canonical LoRA tensor names: tower, layer, module path, A or B. */
    Pattern loraKey() {
        StringBuilder modules = new StringBuilder();
        for (LayerLinear linear : LayerLinear.values()) {
            if (!modules.isEmpty()) {
                modules.append('|');
            }
            modules.append(Pattern.quote(paths.get(linear)));
        }
        StringBuilder layerPaths = new StringBuilder();
        for (Tower tower : towers) {
            if (!layerPaths.isEmpty()) {
                layerPaths.append('|');
            }
            layerPaths.append(Pattern.quote(tower.layerPath()));
        }
        return Pattern.compile(
                "(" + layerPaths + ")\\.(\\d+)\\.(" + modules + ")\\.lora_([AB])\\.weight");
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
