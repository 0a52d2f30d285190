package dev.fmplex.engine.family.patchtst;

import dev.fmplex.engine.extension.peft.AdapterTargets;
import java.util.List;
import java.util.Map;

/**
 * What a vFM may adapt on a PatchTST encoder: {@code self_attn.*_proj}, {@code ff.0} and {@code
 * ff.3} of every layer, PEFT keys with or without {@code model.}. Heads read every channel's pooled
 * features ({@code head.linear} of the classification model, {@code head.projection} of the
 * regression and prediction models), a forecast head each channel's own.
 */
final class PatchTstLoraSurface {

    private PatchTstLoraSurface() {}

    public static AdapterTargets of(PatchTstConfig config) {
        return new AdapterTargets(
                "PatchTST",
                "model.",
                List.of(
                        new AdapterTargets.Tower(
                                "encoder.layers",
                                config.layers(),
                                config.dModel(),
                                0,
                                PatchTstParameterNames.sites(config))),
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
}
