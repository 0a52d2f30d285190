package dev.fmplex.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.extension.LoraAdapter;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.family.bert.BertConfig;
import dev.fmplex.engine.nn.Projection;
import java.util.ArrayList;
import java.util.List;

/** Random LoRA adapters of the most common shape, for benchmarks that need many distinct ones. */
public final class RandomLora {

    private RandomLora() {}

    /**
     * LoRA of rank {@code rank} on query and value of every layer, N(0, 0.05) weights drawn from
     * {@code manager}'s engine (seed it first for repeatable adapters).
     */
    public static LoraAdapter onQueryAndValue(BertConfig config, NDManager manager, int rank) {
        return onQueryAndValue(config.layers(), config.hiddenSize(), manager, rank);
    }

    /** The same for any encoder of {@code layers} layers of width {@code hidden}. */
    public static LoraAdapter onQueryAndValue(int layers, int hidden, NDManager manager, int rank) {
        return onQueryAndValue(0, layers, hidden, manager, rank);
    }

    /**
     * The same for a tower whose layers are numbered from {@code layerBase} (CLIP's vision tower).
     */
    public static LoraAdapter onQueryAndValue(
            int layerBase, int layers, int hidden, NDManager manager, int rank) {
        List<LoraModule> modules = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            for (Projection linear : List.of(Projection.QUERY, Projection.VALUE)) {
                modules.add(
                        new LoraModule(
                                layerBase + layer,
                                linear,
                                manager.randomNormal(
                                        0, 0.05f, new Shape(hidden, rank), DataType.FLOAT32),
                                manager.randomNormal(
                                        0, 0.05f, new Shape(rank, hidden), DataType.FLOAT32)));
            }
        }
        return new LoraAdapter(modules);
    }
}
