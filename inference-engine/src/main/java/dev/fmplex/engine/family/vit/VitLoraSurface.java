package dev.fmplex.engine.family.vit;

import dev.fmplex.engine.extension.peft.AdapterTargets;
import java.util.List;
import java.util.Map;

/**
 * What a vFM may adapt on a ViT encoder: the six projections of every layer, PEFT keys with or
 * without {@code vit.}; positions are fixed (no soft prompts) and there is one output per image.
 */
final class VitLoraSurface {

    private VitLoraSurface() {}

    public static AdapterTargets of(VitConfig config) {
        return new AdapterTargets(
                "ViT",
                "vit.",
                List.of(
                        new AdapterTargets.Tower(
                                "encoder.layer",
                                config.layers(),
                                config.hiddenSize(),
                                0,
                                VitParameterNames.sites(config))),
                0,
                false,
                config.hiddenSize(),
                0,
                true,
                Map.of());
    }
}
