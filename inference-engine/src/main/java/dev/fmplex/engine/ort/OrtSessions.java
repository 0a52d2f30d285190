package dev.fmplex.engine.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ONNX Runtime sessions as FMplex runs them: every optimization on, and no spinning. ONNX Runtime
 * spins its pool's threads between runs by default, which in one process with PyTorch (other
 * families, heads) starves PyTorch's threads; with spinning off an idle pool costs nothing.
 */
public final class OrtSessions {

    private OrtSessions() {}

    /** The process-wide environment (ONNX Runtime allows one). */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * A session over a graph: the model is written to a temporary file (the weights never sit
     * serialized on the heap), opened, and the file deleted.
     *
     * @param intraOpThreads threads one run may use
     */
    public static OrtSession create(OnnxGraphBuilder graph, int opset, int intraOpThreads) {
        Path file = null;
        try {
            file = Files.createTempFile("fmplex-graph-", ".onnx");
            try (OutputStream out = Files.newOutputStream(file)) {
                graph.writeModel(out, opset);
            }
            return create(file, intraOpThreads);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the ONNX graph: " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // A leftover temporary file is harmless; the session already holds the model.
                }
            }
        }
    }

    private static OrtSession create(Path model, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(
                    "intra-op threads must be >= 1, is " + intraOpThreads);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            return environment().createSession(model.toString(), options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused the graph: " + e.getMessage(), e);
        }
    }
}
