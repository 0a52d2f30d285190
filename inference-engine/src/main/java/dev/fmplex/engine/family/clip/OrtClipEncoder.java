package dev.fmplex.engine.family.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.ort.LoraStacks;
import dev.fmplex.engine.ort.OrtSessions;
import dev.fmplex.engine.ort.RowLora;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CLIP's towers on ONNX Runtime ({@link ClipOnnxGraph}): four sessions (each tower plain and with
 * LoRA inputs) over one weights file, the same per-row LoRA as {@link ClipEncoder} and the same
 * projected embeddings, as DJL arrays in the batch's manager so heads run unchanged. A pass no row
 * of which carries an adapter runs the tower's plain graph.
 */
final class OrtClipEncoder implements ClipForward, AutoCloseable {

    private final ClipConfig config;
    private final OrtSession textPlain;
    private final OrtSession textExtended;
    private final OrtSession visionPlain;
    private final OrtSession visionExtended;
    private final RowLora textLora;
    private final RowLora visionLora;

    /**
     * @param stackBudgetBytes native bytes each tower's cached LoRA stacks may take
     */
    OrtClipEncoder(
            BackboneParameters<ClipConfig> weights, int intraOpThreads, long stackBudgetBytes) {
        this.config = weights.config();
        ClipConfig.Text text = config.text();
        ClipConfig.Vision vision = config.vision();
        this.textLora =
                new RowLora(
                        text.layers(),
                        ClipParameterNames.sites(text.hiddenSize(), text.intermediateSize()),
                        stackBudgetBytes);
        this.visionLora =
                new RowLora(
                        vision.layers(),
                        ClipParameterNames.VISION_LAYER_BASE,
                        ClipParameterNames.sites(vision.hiddenSize(), vision.intermediateSize()),
                        stackBudgetBytes);
        List<OrtSession> sessions =
                OrtSessions.createSharing(
                        List.of(
                                ClipOnnxGraph.text(weights, false),
                                ClipOnnxGraph.text(weights, true),
                                ClipOnnxGraph.vision(weights, false),
                                ClipOnnxGraph.vision(weights, true)),
                        ClipOnnxGraph.OPSET,
                        intraOpThreads);
        this.textPlain = sessions.get(0);
        this.textExtended = sessions.get(1);
        this.visionPlain = sessions.get(2);
        this.visionExtended = sessions.get(3);
    }

    @Override
    public NDArray textEmbeds(
            NDManager batch, List<long[]> ids, List<? extends List<LoraModule>> rowModules) {
        int rows = ids.size();
        int length = ids.stream().mapToInt(row -> row.length).max().orElseThrow();
        if (length > config.text().maxPositions()) {
            throw new IllegalArgumentException(
                    "text of "
                            + length
                            + " tokens exceeds the "
                            + config.text().maxPositions()
                            + " positions of the text tower");
        }
        long[] tokens = new long[rows * length];
        long[] positions = new long[rows * length];
        int[] mask = new int[rows * length];
        long[] ends = new long[rows];
        for (int r = 0; r < rows; r++) {
            long[] row = ids.get(r);
            System.arraycopy(row, 0, tokens, r * length, row.length);
            for (int t = 0; t < length; t++) {
                positions[r * length + t] = t;
                mask[r * length + t] = t < row.length ? 1 : 0;
            }
            ends[r] = (long) r * length + ClipEncoder.endOfText(config.text(), row);
        }
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            long[] shape = {rows, length};
            feeds.put(ClipOnnxGraph.INPUT_IDS, longs(tokens, shape));
            feeds.put(ClipOnnxGraph.POSITION_IDS, longs(positions, shape));
            feeds.put(
                    ClipOnnxGraph.KEY_MASK,
                    OnnxTensor.createTensor(
                            OrtSessions.environment(), IntBuffer.wrap(mask), shape));
            feeds.put(ClipOnnxGraph.END_INDEX, longs(ends, new long[] {rows}));
            return run(
                    batch,
                    feeds,
                    rowModules,
                    textLora,
                    textPlain,
                    textExtended,
                    ClipOnnxGraph.TEXT_EMBEDS,
                    rows);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime pass failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public NDArray imageEmbeds(
            NDManager batch,
            float[] pixels,
            int rows,
            List<? extends List<LoraModule>> rowModules) {
        ClipConfig.Vision vision = config.vision();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put(
                    ClipOnnxGraph.PIXELS,
                    OnnxTensor.createTensor(
                            OrtSessions.environment(),
                            FloatBuffer.wrap(pixels),
                            new long[] {
                                rows, vision.channels(), vision.imageSize(), vision.imageSize()
                            }));
            return run(
                    batch,
                    feeds,
                    rowModules,
                    visionLora,
                    visionPlain,
                    visionExtended,
                    ClipOnnxGraph.IMAGE_EMBEDS,
                    rows);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime pass failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** One tower's pass: the plain graph, or the extended one with the rows' LoRA stacks. */
    private NDArray run(
            NDManager batch,
            Map<String, OnnxTensor> feeds,
            List<? extends List<LoraModule>> rowModules,
            RowLora lora,
            OrtSession plain,
            OrtSession extended,
            String output,
            int rows)
            throws OrtException {
        boolean extensions = rowModules.stream().anyMatch(modules -> !modules.isEmpty());
        LoraStacks stacks = null;
        try {
            Map<String, OnnxTensor> run = feeds;
            if (extensions) {
                stacks = lora.feed(feeds, rowModules);
                run = new HashMap<>(feeds);
                run.putAll(stacks.tensors());
            }
            try (OrtSession.Result result =
                    (extensions ? extended : plain).run(run, Set.of(output))) {
                OnnxTensor embeds = (OnnxTensor) result.get(output).orElseThrow();
                return batch.create(
                        embeds.getFloatBuffer(), new Shape(rows, config.projectionDim()));
            }
        } finally {
            if (stacks != null) {
                stacks.release();
            }
        }
    }

    private static OnnxTensor longs(long[] values, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(OrtSessions.environment(), LongBuffer.wrap(values), shape);
    }

    @Override
    public void close() {
        textLora.close();
        visionLora.close();
        try {
            textPlain.close();
            textExtended.close();
            visionPlain.close();
            visionExtended.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
