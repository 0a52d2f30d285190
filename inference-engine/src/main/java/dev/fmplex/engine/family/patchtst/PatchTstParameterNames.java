package dev.fmplex.engine.family.patchtst;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical parameter names of a PatchTST encoder: those of {@code PatchTSTModel}, i.e. a task
 * model's keys without its {@code model.} prefix. The six projections LoRA adapts keep BERT's roles
 * ({@link Projection}) under PatchTST's module paths.
 */
public final class PatchTstParameterNames {

    public static final String EMBEDDING = "encoder.embedder.input_embedding";
    public static final String POSITIONS = "encoder.positional_encoder.position_enc";
    public static final String CLS_TOKEN = "encoder.positional_encoder.cls_token";

    private PatchTstParameterNames() {}

    public static String layerPrefix(int layer) {
        return "encoder.layers." + layer + ".";
    }

    /** The module path of a projection inside a layer, e.g. {@code self_attn.q_proj}. */
    public static String path(Projection linear) {
        return switch (linear) {
            case QUERY -> "self_attn.q_proj";
            case KEY -> "self_attn.k_proj";
            case VALUE -> "self_attn.v_proj";
            case ATTENTION_OUTPUT -> "self_attn.out_proj";
            case INTERMEDIATE -> "ff.0";
            case OUTPUT -> "ff.3";
        };
    }

    public static String weight(int layer, Projection linear) {
        return layerPrefix(layer) + path(linear) + ".weight";
    }

    public static String bias(int layer, Projection linear) {
        return layerPrefix(layer) + path(linear) + ".bias";
    }

    /**
     * The prefix of sublayer norm 1 (attention) or 3 (feed-forward); {@code norm_sublayer2} exists
     * only with channel attention, which FMplex does not run.
     */
    public static String norm(PatchTstConfig config, int layer, int sublayer) {
        return layerPrefix(layer)
                + "norm_sublayer"
                + sublayer
                + (config.layerNorm() ? "" : ".batchnorm");
    }

    /** Every parameter the encoder reads, with its shape. */
    public static Map<String, long[]> expectedShapes(PatchTstConfig config) {
        long d = config.dModel();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(EMBEDDING + ".weight", new long[] {d, config.patchLength()});
        shapes.put(EMBEDDING + ".bias", new long[] {d});
        shapes.put(POSITIONS, new long[] {config.positions(), d});
        if (config.clsToken()) {
            shapes.put(CLS_TOKEN, new long[] {1, 1, 1, d});
        }
        for (int layer = 0; layer < config.layers(); layer++) {
            for (ProjectionSite site : sites(config)) {
                shapes.put(weight(layer, site.role()), site.weightShape());
                boolean feedForward =
                        site.role() == Projection.INTERMEDIATE || site.role() == Projection.OUTPUT;
                if (!feedForward || config.ffBias()) {
                    shapes.put(bias(layer, site.role()), new long[] {site.out()});
                }
            }
            for (int sublayer : new int[] {1, 3}) {
                String norm = norm(config, layer, sublayer);
                shapes.put(norm + ".weight", new long[] {d});
                shapes.put(norm + ".bias", new long[] {d});
                if (!config.layerNorm()) {
                    shapes.put(norm + ".running_mean", new long[] {d});
                    shapes.put(norm + ".running_var", new long[] {d});
                }
            }
        }
        return shapes;
    }

    /** Where each projection of a layer sits, and its shape: the LoRA surface and the weights. */
    public static List<ProjectionSite> sites(PatchTstConfig config) {
        return ProjectionSite.encoderLayer(
                PatchTstParameterNames::path, config.dModel(), config.ffnDim());
    }

    /** {@code [out, in]} of a projection. */
    public static long[] weightShape(PatchTstConfig config, Projection linear) {
        return sites(config).get(Projection.ENCODER_LAYER.indexOf(linear)).weightShape();
    }

    /**
     * Picks and checks the encoder's parameters from {@code available}; extra entries (a pooler,
     * buffers such as {@code position_ids}, a classifier) are ignored.
     */
    public static BackboneParameters<PatchTstConfig> parameters(
            PatchTstConfig config, Map<String, NDArray> available) throws WeightLoadException {
        return BackboneParameters.pick(config, expectedShapes(config), available);
    }
}
