package dev.fmplex.engine.extension.peft;

import dev.fmplex.engine.checkpoint.SafetensorsTensors.HostTensor;
import java.util.Arrays;

/**
 * What a PEFT prompt-tuning adapter must satisfy on a backbone: positions free for its virtual
 * tokens beside the input limit, and {@code prompt_embeddings} of the backbone's width.
 */
final class SoftPromptRules {

    private SoftPromptRules() {}

    static void check(AdapterConfig adapter, HostTensor prompt, AdapterTargets backbone)
            throws ArtifactException {
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
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS, VfmImporter.PROMPT_KEY + " in a LORA adapter");
            }
            return;
        }
        if (prompt == null) {
            throw new ArtifactException(
                    VfmImporter.ADAPTER_WEIGHTS,
                    VfmImporter.ADAPTER_WEIGHTS
                            + " has no '"
                            + VfmImporter.PROMPT_KEY
                            + "' tensor");
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
                    VfmImporter.ADAPTER_WEIGHTS,
                    VfmImporter.PROMPT_KEY
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
}
