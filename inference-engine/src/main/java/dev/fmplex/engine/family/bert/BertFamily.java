package dev.fmplex.engine.family.bert;

import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.family.BackboneFamily;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BERT family of text encoders: a Hugging Face checkpoint directory as {@code save_pretrained}
 * writes it ({@code config.json} with {@code model_type: bert}, {@code model.safetensors} and the
 * tokenizer's {@code tokenizer.json}), and the bundled {@code all-minilm-l6-v2}.
 */
public final class BertFamily implements BackboneFamily {

    public static final String TOKENIZER_FILE = TextTokenizer.FILE;

    private static final Logger log = LoggerFactory.getLogger(BertFamily.class);

    @Override
    public String name() {
        return "bert";
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of("bert");
    }

    /**
     * Loads the checkpoint in {@code directory} under {@code name}; the token limit is capped at
     * the model's position embeddings.
     */
    @Override
    public BertServedBackbone load(String name, Path directory, BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        Path tokenizerFile =
                TextTokenizer.requireFile(
                        directory,
                        name,
                        "save the tokenizer with the model: tokenizer.save_pretrained(directory)");
        long start = System.nanoTime();
        return BackboneLoading.inNewRoot(
                name,
                options.device(),
                (root, weightsManager) -> {
                    BackboneParameters<BertConfig> weights =
                            BertCheckpoint.LAYOUT.load(directory, weightsManager);
                    int limit = Math.min(options.maxInputTokens(), weights.config().maxPositions());
                    TextTokenizer tokenizer = TextTokenizer.fromFile(tokenizerFile, limit);
                    BertServedBackbone backbone =
                            BertServedBackbone.create(
                                    name,
                                    weights,
                                    tokenizer,
                                    weightsManager,
                                    root,
                                    options.execution(),
                                    options.intraOpThreads());
                    log.info(
                            "Loaded backbone {} from {} (bert, {} layers, hidden {}, {} MB) on {} in {} ms;"
                                    + " token limit {}, {} execution",
                            name,
                            directory,
                            weights.config().layers(),
                            weights.config().hiddenSize(),
                            weights.byteSize() / (1024 * 1024),
                            options.device(),
                            (System.nanoTime() - start) / 1_000_000,
                            limit,
                            options.execution().settingName());
                    return backbone;
                });
    }

    @Override
    public Set<String> bundledBackbones() {
        return Set.of(BundledMiniLm.NAME);
    }

    @Override
    public BertServedBackbone loadBundled(String name, BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        if (!name.equals(BundledMiniLm.NAME)) {
            throw new IllegalArgumentException("bert bundles no backbone named " + name);
        }
        return BundledMiniLm.load(options);
    }
}
