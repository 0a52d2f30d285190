package dev.fmplex.engine.family.bert;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.model.safetensors.SafetensorsDType;

/**
 * A random tiny BERT with its executor and importer, all under one root manager: what the engine
 * tests run vFMs on. Close it to free everything.
 */
record TinyBackbone(NDManager root, BertBatchExecutor executor, VfmImporter importer)
        implements AutoCloseable {

    static TinyBackbone create(BertConfig config, long seed) throws WeightLoadException {
        NDManager root = Engine.getEngine("PyTorch").newBaseManager();
        BackboneParameters<BertConfig> weights =
                BertParameterNames.parameters(
                        config,
                        TinyBertCheckpoints.toArrays(
                                TinyBertCheckpoints.randomWeights(
                                        config, seed, SafetensorsDType.F32),
                                root));
        return new TinyBackbone(
                root,
                new BertBatchExecutor(new BertEncoder(weights), root),
                new VfmImporter(BertLoraSurface.of(config, 24)));
    }

    @Override
    public void close() {
        root.close();
    }
}
