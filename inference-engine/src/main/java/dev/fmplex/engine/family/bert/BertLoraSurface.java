package dev.fmplex.engine.family.bert;

import dev.fmplex.engine.extension.peft.AdapterTargets;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.List;
import java.util.Map;

/**
 * What a vFM may adapt on a BERT encoder: the six projections of every layer under {@code
 * encoder.layer}, PEFT keys with or without {@code bert.}, soft prompts in the positions the token
 * limit leaves free, and token-level heads.
 */
public final class BertLoraSurface {

    private BertLoraSurface() {}

    /**
     * @param maxInputTokens the worker's token limit per input; a prompt must fit beside it
     */
    public static AdapterTargets of(BertConfig config, int maxInputTokens) {
        List<ProjectionSite> sites = BertParameterNames.sites(config);
        return new AdapterTargets(
                "BERT",
                "bert.",
                List.of(
                        new AdapterTargets.Tower(
                                "encoder.layer", config.layers(), config.hiddenSize(), 0, sites)),
                Math.max(0, config.maxPositions() - maxInputTokens),
                true,
                config.hiddenSize(),
                0,
                true,
                Map.of());
    }
}
