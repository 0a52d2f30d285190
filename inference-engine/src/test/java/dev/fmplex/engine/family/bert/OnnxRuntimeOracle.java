package dev.fmplex.engine.family.bert;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The reference: the same ONNX model run by ONNX Runtime through langchain4j.
 *
 * <p>ONNX Runtime threads spin by default and starve PyTorch on the same cores (STACK-NOTES.md), so
 * the session is built with spinning off. The tokenizer's own truncation (128 in the artifact) can
 * be raised so long texts are compared on the same tokens.
 */
final class OnnxRuntimeOracle {

    private OnnxRuntimeOracle() {}

    /**
     * langchain4j's embedding model over the bundled ONNX file, truncating at {@code maxTokens}.
     */
    static EmbeddingModel withTokenLimit(int maxTokens) throws IOException, OrtException {
        String original =
                new String(
                        BundledMiniLm.readResource(BundledMiniLm.TOKENIZER_RESOURCE),
                        StandardCharsets.UTF_8);
        String tokenizer =
                original.replaceFirst("\"max_length\":\\s*128", "\"max_length\": " + maxTokens)
                        .replaceFirst("\"Fixed\":\\s*128", "\"Fixed\": " + maxTokens);
        if (maxTokens != 128 && tokenizer.equals(original)) {
            throw new IllegalStateException("tokenizer.json no longer carries a 128-token limit");
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        options.setIntraOpNumThreads(2);
        OrtSession session =
                environment.createSession(
                        BundledMiniLm.readResource(BundledMiniLm.ONNX_RESOURCE), options);
        OnnxBertBiEncoder encoder =
                new OnnxBertBiEncoder(
                        environment,
                        session,
                        new ByteArrayInputStream(tokenizer.getBytes(StandardCharsets.UTF_8)),
                        PoolingMode.MEAN);
        return new AbstractInProcessEmbeddingModel(Runnable::run) {
            @Override
            protected OnnxBertBiEncoder model() {
                return encoder;
            }
        };
    }

    static float[] embed(EmbeddingModel model, String text) {
        return model.embedAll(List.of(TextSegment.from(text))).content().get(0).vector();
    }
}
