package dev.fmplex.engine.family.toy;

import dev.fmplex.engine.checkpoint.CheckpointFiles;
import dev.fmplex.engine.checkpoint.ConfigFields;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.family.BackboneFamily;
import dev.fmplex.engine.family.BackboneLoadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code byte-histogram} family: a text "encoder" whose feature for a text is the histogram of
 * its UTF-8 bytes folded into {@code hidden_size} bins. Its checkpoint is a directory with a {@code
 * config.json} only. Found by {@link java.util.ServiceLoader} through the test resources' services
 * file.
 */
public final class ByteHistogramFamily implements BackboneFamily {

    public static final String MODEL_TYPE = "byte-histogram";

    @Override
    public String name() {
        return MODEL_TYPE;
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of(MODEL_TYPE);
    }

    @Override
    public ByteHistogramBackbone load(String name, Path directory, BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        ConfigFields config =
                ConfigFields.parse(
                        "config.json", CheckpointFiles.read(directory.resolve("config.json")));
        int bins = config.requiredInt("hidden_size");
        if (bins < 1) {
            throw config.error("hidden_size", "must be >= 1");
        }
        return BackboneLoading.inNewRoot(
                name,
                options.device(),
                (root, weights) -> {
                    weights.cap();
                    return new ByteHistogramBackbone(name, bins, options.maxInputTokens(), root);
                });
    }
}
