package dev.fmplex.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;

/**
 * langchain4j's all-MiniLM-L6-v2 embedding model, built the way {@code AllMiniLmL6V2EmbeddingModel}
 * builds it (same ONNX file, tokenizer, mean pooling, executor for {@code embedAll}) except that
 * ONNX Runtime's threads do not spin: spinning threads starve PyTorch in the same process and would
 * make any side-by-side number meaningless.
 */
public final class Langchain4jMiniLm {

    private Langchain4jMiniLm() {}

    public static EmbeddingModel create(Executor executor) throws IOException, OrtException {
        return create(executor, onnxModel());
    }

    /** The same from ONNX bytes already read ({@link #onnxModel()}), for callers building many. */
    public static EmbeddingModel create(Executor executor, byte[] onnxModel)
            throws IOException, OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = environment.createSession(onnxModel, withoutSpinning());
        try (InputStream tokenizer = open("all-minilm-l6-v2-tokenizer.json")) {
            OnnxBertBiEncoder encoder =
                    new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
            return new AbstractInProcessEmbeddingModel(executor) {
                @Override
                protected OnnxBertBiEncoder model() {
                    return encoder;
                }
            };
        }
    }

    /** The ONNX file langchain4j ships for all-MiniLM-L6-v2. */
    public static byte[] onnxModel() throws IOException {
        return read("all-minilm-l6-v2.onnx");
    }

    /**
     * Session options with ONNX Runtime's default thread counts whose idle threads sleep instead of
     * spinning; without this its spinning threads starve PyTorch's in the same process.
     */
    public static OrtSession.SessionOptions withoutSpinning() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = open(resource)) {
            return in.readAllBytes();
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = Langchain4jMiniLm.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " not on the classpath");
        }
        return in;
    }
}
