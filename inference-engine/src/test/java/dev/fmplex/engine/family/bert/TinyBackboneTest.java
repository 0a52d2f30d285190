package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.extension.peft.VfmImporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Base of the tests that run vFMs on a fresh random {@link TinyBertCheckpoints#TINY} BERT. */
abstract class TinyBackboneTest {

    protected static final BertConfig CONFIG = TinyBertCheckpoints.TINY;

    private TinyBackbone backbone;
    protected NDManager root;
    protected BertBatchExecutor executor;
    protected VfmImporter importer;

    /** The seed of the backbone's random weights. */
    protected abstract long seed();

    @BeforeEach
    void createBackbone() throws Exception {
        backbone = TinyBackbone.create(CONFIG, seed());
        root = backbone.root();
        executor = backbone.executor();
        importer = backbone.importer();
    }

    @AfterEach
    void closeBackbone() {
        backbone.close();
    }
}
