package dev.fmplex.engine.execution;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.backbone.BertConfig;
import dev.fmplex.engine.backbone.BertWeights;
import dev.fmplex.engine.backbone.WeightLoadException;
import dev.fmplex.engine.backbone.hf.TinyBertCheckpoints;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.torch.TorchBertEncoder;
import dev.fmplex.model.safetensors.SafetensorsDType;

/**
 * A random tiny BERT with its executor and importer, all under one root manager: what the engine
 * tests run vFMs on. Close it to free everything.
 */
record TinyBackbone(NDManager root, MixedBatchExecutor executor, VfmImporter importer)
        implements AutoCloseable {

    static TinyBackbone create(BertConfig config, long seed) throws WeightLoadException {
        NDManager root = Engine.getEngine("PyTorch").newBaseManager();
        BertWeights weights =
                BertWeights.of(
                        config,
                        TinyBertCheckpoints.toArrays(
                                TinyBertCheckpoints.randomWeights(
                                        config, seed, SafetensorsDType.F32),
                                root));
        return new TinyBackbone(
                root,
                new MixedBatchExecutor(new TorchBertEncoder(weights), root),
                new VfmImporter(config, 24));
    }

    @Override
    public void close() {
        root.close();
    }
}
