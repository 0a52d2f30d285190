package dev.fmplex.engine.family.clip;

import dev.fmplex.engine.extension.peft.AdapterTargets;
import java.util.List;
import java.util.Map;

/**
 * What a vFM may adapt on CLIP: both towers (text layers at 0, vision layers from {@link
 * ClipParameterNames#VISION_LAYER_BASE}), each with its own widths; heads read the projected
 * embedding.
 */
final class ClipLoraSurface {

    private ClipLoraSurface() {}

    public static AdapterTargets of(ClipConfig config) {
        ClipConfig.Text text = config.text();
        ClipConfig.Vision vision = config.vision();
        return new AdapterTargets(
                "CLIP",
                "",
                List.of(
                        new AdapterTargets.Tower(
                                ClipParameterNames.Tower.TEXT.layerPath(),
                                text.layers(),
                                text.hiddenSize(),
                                0,
                                ClipParameterNames.sites(
                                        text.hiddenSize(), text.intermediateSize())),
                        new AdapterTargets.Tower(
                                ClipParameterNames.Tower.VISION.layerPath(),
                                vision.layers(),
                                vision.hiddenSize(),
                                ClipParameterNames.VISION_LAYER_BASE,
                                ClipParameterNames.sites(
                                        vision.hiddenSize(), vision.intermediateSize()))),
                0,
                false,
                config.projectionDim(),
                0,
                true,
                Map.of());
    }
}
