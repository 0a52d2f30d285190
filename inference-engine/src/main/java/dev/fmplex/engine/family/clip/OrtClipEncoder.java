package dev.fmplex.engine.family.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.ort.AdaptedSessions;
import dev.fmplex.engine.ort.OrtSessions;
import dev.fmplex.engine.ort.RowLora;
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
    private final AdaptedSessions text;
    private final AdaptedSessions vision;

    /**
     * @param stackBudgetBytes native bytes each tower's cached LoRA stacks may take
     */
    OrtClipEncoder(
            BackboneParameters<ClipConfig> weights, int intraOpThreads, long stackBudgetBytes) {
        this.config = weights.config();
        ClipConfig.Text textTower = config.text();
        ClipConfig.Vision visionTower = config.vision();
        List<OrtSession> sessions =
                OrtSessions.createSharing(
                        List.of(
                                ClipOnnxGraph.text(weights, false),
                                ClipOnnxGraph.text(weights, true),
                                ClipOnnxGraph.vision(weights, false),
                                ClipOnnxGraph.vision(weights, true)),
                        ClipOnnxGraph.OPSET,
                        intraOpThreads);
        this.text =
                new AdaptedSessions(
                        sessions.get(0),
                        sessions.get(1),
                        new RowLora(
                                textTower.layers(),
                                ClipParameterNames.sites(
                                        textTower.hiddenSize(), textTower.intermediateSize()),
                                stackBudgetBytes));
        this.vision =
                new AdaptedSessions(
                        sessions.get(2),
                        sessions.get(3),
                        new RowLora(
                                visionTower.layers(),
                                ClipParameterNames.VISION_LAYER_BASE,
                                ClipParameterNames.sites(
                                        visionTower.hiddenSize(), visionTower.intermediateSize()),
                                stackBudgetBytes));
    }

    @Override
    public NDArray textEmbeds(
            NDManager batch, List<long[]> ids, List<? extends List<LoraModule>> rowModules) {
        ClipTextRows texts = ClipTextRows.of(config.text(), ids);
        int rows = texts.rows();
        int length = texts.length();
        long[] positions = new long[rows * length];
        int[] mask = new int[rows * length];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < length; t++) {
                positions[r * length + t] = t;
                mask[r * length + t] = t < texts.lengths()[r] ? 1 : 0;
            }
        }
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            long[] shape = {rows, length};
            feeds.put(ClipOnnxGraph.INPUT_IDS, longs(texts.ids(), shape));
            feeds.put(ClipOnnxGraph.POSITION_IDS, longs(positions, shape));
            feeds.put(
                    ClipOnnxGraph.KEY_MASK,
                    OnnxTensor.createTensor(
                            OrtSessions.environment(), IntBuffer.wrap(mask), shape));
            feeds.put(ClipOnnxGraph.END_INDEX, longs(texts.ends(), new long[] {rows}));
        } catch (OrtException e) {
            feeds.values().forEach(OnnxTensor::close);
            throw new IllegalStateException("could not feed ONNX Runtime: " + e.getMessage(), e);
        }
        return embeds(text, batch, feeds, rowModules, ClipOnnxGraph.TEXT_EMBEDS, rows);
    }

    @Override
    public NDArray imageEmbeds(
            NDManager batch,
            float[] pixels,
            int rows,
            List<? extends List<LoraModule>> rowModules) {
        ClipConfig.Vision tower = config.vision();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        feeds.put(
                ClipOnnxGraph.PIXELS,
                OrtSessions.tensor(
                        pixels, rows, tower.channels(), tower.imageSize(), tower.imageSize()));
        return embeds(vision, batch, feeds, rowModules, ClipOnnxGraph.IMAGE_EMBEDS, rows);
    }

    /** One tower's pass, its projected embeddings as a DJL array of the batch. */
    private NDArray embeds(
            AdaptedSessions tower,
            NDManager batch,
            Map<String, OnnxTensor> feeds,
            List<? extends List<LoraModule>> rowModules,
            String output,
            int rows) {
        Shape shape = new Shape(rows, config.projectionDim());
        return tower.run(
                feeds,
                rowModules,
                Set.of(output),
                result ->
                        batch.create(
                                ((OnnxTensor) result.get(output).orElseThrow()).getFloatBuffer(),
                                shape));
    }

    private static OnnxTensor longs(long[] values, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(OrtSessions.environment(), LongBuffer.wrap(values), shape);
    }

    @Override
    public void close() {
        text.close();
        vision.close();
    }
}
