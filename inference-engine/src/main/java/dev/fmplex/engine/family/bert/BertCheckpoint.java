package dev.fmplex.engine.family.bert;

import dev.fmplex.engine.checkpoint.HfCheckpointLayout;

/**
 * A BERT-family checkpoint in Hugging Face layout: a directory with {@code config.json} and {@code
 * model.safetensors}. Parameter names may carry a {@code bert.} prefix (as {@code BertModel}
 * subclasses save them) or none; the old {@code LayerNorm.gamma/beta} spelling is accepted for
 * {@code weight/bias}.
 */
public final class BertCheckpoint {

    public static final String CONFIG_FILE = HfCheckpointLayout.CONFIG_FILE;
    public static final String WEIGHTS_FILE = HfCheckpointLayout.WEIGHTS_FILE;

    /** How a checkpoint of this family is read: see {@link HfCheckpointLayout}. */
    public static final HfCheckpointLayout<BertConfig> LAYOUT =
            new HfCheckpointLayout<>(
                    BertConfigReader::read,
                    BertCheckpoint::canonicalName,
                    BertParameterNames::expectedShapes);

    private BertCheckpoint() {}

    /** The canonical BERT name of a stored tensor, or null for tensors the encoder does not use. */
    static String canonicalName(String stored) {
        String name = stored.startsWith("bert.") ? stored.substring("bert.".length()) : stored;
        if (!name.startsWith("embeddings.") && !name.startsWith("encoder.layer.")) {
            return null;
        }
        if (name.endsWith("LayerNorm.gamma")) {
            name = name.substring(0, name.length() - "gamma".length()) + "weight";
        } else if (name.endsWith("LayerNorm.beta")) {
            name = name.substring(0, name.length() - "beta".length()) + "bias";
        }
        return name.equals("embeddings.position_ids") ? null : name;
    }
}
