package dev.fmplex.engine.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * ONNX Runtime sessions as FMplex runs them: every optimization on, and no spinning. ONNX Runtime
 * spins its pool's threads between runs by default, which in one process with PyTorch (other
 * families, heads) starves PyTorch's threads; with spinning off an idle pool costs nothing.
 */
public final class OrtSessions {

    /**
     * A file name prefix: when set, every session records ONNX Runtime's per-node timings (Chrome
     * trace JSON) to {@code <prefix>_<timestamp>.json}, written when the session closes. For
     * finding where a pass's time goes; it slows every pass down.
     */
    public static final String PROFILE_PROPERTY = "fmplex.onnxruntime.profile";

    private OrtSessions() {}

    /**
     * A float input over {@code values} (copied into native memory by ONNX Runtime); the caller
     * closes it.
     */
    public static OnnxTensor tensor(float[] values, long... shape) {
        try {
            return OnnxTensor.createTensor(environment(), FloatBuffer.wrap(values), shape);
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "could not make an ONNX Runtime input: " + e.getMessage(), e);
        }
    }

    /** The process-wide environment (ONNX Runtime allows one). */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * A session over a graph, its weights inline (see {@link #createSharing} for backbones).
     *
     * @param intraOpThreads threads one run may use
     */
    public static OrtSession create(OnnxGraphBuilder graph, int opset, int intraOpThreads) {
        return open(List.of(graph), opset, intraOpThreads, false).get(0);
    }

    /**
     * One session per graph, the graphs' large weights in one external-data file that ONNX Runtime
     * maps into memory: weights the graphs share by name are held once (page cache), and only the
     * pages passes touch become resident. The files are deleted once the sessions are open; the
     * mappings keep the data.
     *
     * @param intraOpThreads threads one run may use
     */
    public static List<OrtSession> createSharing(
            List<OnnxGraphBuilder> graphs, int opset, int intraOpThreads) {
        return open(graphs, opset, intraOpThreads, true);
    }

    private static List<OrtSession> open(
            List<OnnxGraphBuilder> graphs, int opset, int intraOpThreads, boolean external) {
        Path directory = null;
        List<OrtSession> sessions = new ArrayList<>();
        try {
            directory = Files.createTempDirectory("fmplex-graph-");
            List<Path> models = new ArrayList<>();
            try (ExternalWeights weights =
                    external ? new ExternalWeights(directory.resolve("weights.bin")) : null) {
                for (int i = 0; i < graphs.size(); i++) {
                    Path model = directory.resolve("graph-" + i + ".onnx");
                    try (OutputStream out = Files.newOutputStream(model)) {
                        graphs.get(i).writeModel(out, opset, weights);
                    }
                    models.add(model);
                }
            }
            for (Path model : models) {
                sessions.add(create(model, intraOpThreads));
            }
            return sessions;
        } catch (IOException | RuntimeException e) {
            sessions.forEach(OrtSessions::closeQuietly);
            if (e instanceof IOException io) {
                throw new UncheckedIOException(
                        "could not write the ONNX graph: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        } finally {
            deleteQuietly(directory);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // Already failing; the first error is the one to report.
        }
    }

    /** Leftover temporary files are harmless (the sessions hold the model), so errors are not. */
    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // See above.
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
            String profile = System.getProperty(PROFILE_PROPERTY);
            if (profile != null && !profile.isBlank()) {
                // ONNX Runtime appends a timestamp and writes the file when the session closes.
                options.enableProfiling(profile);
            }
            return environment().createSession(model.toString(), options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused the graph: " + e.getMessage(), e);
        }
    }
}
