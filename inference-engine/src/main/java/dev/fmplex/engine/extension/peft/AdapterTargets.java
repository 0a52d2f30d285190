package dev.fmplex.engine.extension.peft;

import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What of a backbone a vFM's files may adapt, as the importer checks them: the projection sites
 * LoRA may target in each encoder, the prefix its Hugging Face models put before the encoder, and
 * whether soft prompts and token-level heads apply. Each family declares its own (its {@code
 * *LoraSurface}); the importer reads nothing else of a family.
 *
 * @param family the family's name in messages, e.g. {@code BERT}
 * @param modelPrefix the attribute a task model keeps the encoder under ({@code bert.}, {@code
 *     vit.}, {@code model.}); PEFT keys may carry it or not
 * @param towers the encoders LoRA may adapt, the first the one heads read; CLIP has two
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
     * @param sites the projections of each of its layers LoRA may adapt, in role order
     */
    public record Tower(
            String layerPath,
            int layers,
            int hiddenSize,
            int layerBase,
            List<ProjectionSite> sites) {

        public Tower {
            sites = List.copyOf(sites);
        }

        /** The site of {@code role}, or null when this tower's layers have none. */
        public ProjectionSite site(Projection role) {
            for (ProjectionSite site : sites) {
                if (site.role() == role) {
                    return site;
                }
            }
            return null;
        }

        /** The site at module path {@code path} inside a layer, or null. */
        public ProjectionSite siteAt(String path) {
            for (ProjectionSite site : sites) {
                if (site.path().equals(path)) {
                    return site;
                }
            }
            return null;
        }
    }

    public AdapterTargets {
        towers = List.copyOf(towers);
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

    public boolean promptTuning() {
        return promptPositions > 0;
    }

    /** Every module path a site of some tower sits at, in role order, each once. */
    List<String> paths() {
        List<String> paths = new ArrayList<>();
        for (Projection role : Projection.values()) {
            for (Tower tower : towers) {
                ProjectionSite site = tower.site(role);
                if (site != null && !paths.contains(site.path())) {
                    paths.add(site.path());
                }
            }
        }
        return paths;
    }

    /** Matches PEFT's canonical LoRA tensor names: tower, layer, module path, A or B. */
    Pattern loraKey() {
        StringBuilder modules = new StringBuilder();
        for (String path : paths()) {
            if (!modules.isEmpty()) {
                modules.append('|');
            }
            modules.append(Pattern.quote(path));
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

    /** The projections' paths, for messages. */
    String pathList() {
        return String.join(", ", paths());
    }
}
