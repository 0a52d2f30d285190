package dev.fmplex.engine.backbone.checkpoint;

import ai.djl.Device;
import dev.fmplex.engine.backbone.WeightLoadException;
import dev.fmplex.engine.backbone.clip.HfClipBackbone;
import dev.fmplex.engine.backbone.hf.CheckpointFiles;
import dev.fmplex.engine.backbone.hf.ConfigFields;
import dev.fmplex.engine.backbone.hf.HfBertBackbone;
import dev.fmplex.engine.backbone.patchtst.HfPatchTstBackbone;
import dev.fmplex.engine.backbone.vit.HfVitBackbone;
import dev.fmplex.engine.execution.ServedBackbone;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads a checkpoint directory as the family its {@code config.json} {@code model_type} names:
 * {@code vit} as a vision backbone, {@code clip} as an image-text one, {@code patchtst} as a
 * time-series one, anything else by the BERT loader, which accepts the BERT family and refuses
 * other types by name.
 */
public final class CheckpointBackbones {

    private CheckpointBackbones() {}

    /**
     * @param maxTokens the token limit per input of a text backbone (ignored by vision and
     *     time-series backbones, whose inputs have a fixed number of patches)
     */
    public static ServedBackbone load(String name, Path directory, Device device, int maxTokens)
            throws IOException, WeightLoadException {
        String modelType;
        try {
            modelType =
                    ConfigFields.parse(
                                    "config.json",
                                    CheckpointFiles.read(directory.resolve("config.json")))
                            .optionalString("model_type", "bert");
        } catch (WeightLoadException e) {
            throw new WeightLoadException("backbone " + name + ": " + e.getMessage(), e);
        }
        if (modelType.equals("vit")) {
            return HfVitBackbone.load(name, directory, device);
        }
        if (modelType.equals("clip")) {
            return HfClipBackbone.load(name, directory, device, maxTokens);
        }
        if (modelType.equals("patchtst")) {
            return HfPatchTstBackbone.load(name, directory, device);
        }
        return HfBertBackbone.load(name, directory, device, maxTokens);
    }
}
