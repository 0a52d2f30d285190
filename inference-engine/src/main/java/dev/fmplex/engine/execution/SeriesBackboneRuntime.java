package dev.fmplex.engine.execution;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.backbone.patchtst.PatchTstConfig;
import dev.fmplex.engine.backbone.patchtst.PatchTstWeights;
import dev.fmplex.engine.extension.peft.AdapterTargets;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.series.SeriesInputs;
import dev.fmplex.engine.torch.TorchPatchTstEncoder;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.task.TaskRules;
import dev.fmplex.model.task.TaskSpec;
import java.util.List;
import java.util.Map;

/**
 * One loaded PatchTST backbone: its weights (read-only, shared by every vFM), its series
 * preparation and encoder. Memory is tiered as in {@link BackboneRuntime}.
 *
 * <p>A series' unit of work is what the encoder runs for it: every channel's patches (plus class
 * token), so a 7-channel series of 42 patches costs 294 positions of the batch budget.
 */
public final class SeriesBackboneRuntime implements ServedBackbone {

    private final BackboneDescriptor descriptor;
    private final PatchTstWeights weights;
    private final SeriesInputs inputs;
    private final SeriesBatchExecutor executor;
    private final VfmImporter importer;
    private final NDManager root;

    private SeriesBackboneRuntime(
            BackboneDescriptor descriptor, PatchTstWeights weights, NDManager root) {
        this.descriptor = descriptor;
        this.weights = weights;
        this.inputs = new SeriesInputs(descriptor.name(), weights.config());
        this.executor = new SeriesBatchExecutor(new TorchPatchTstEncoder(weights), root);
        this.importer = new VfmImporter(AdapterTargets.patchTst(weights.config()));
        this.root = root;
    }

    /**
     * Assembles a runtime.
     *
     * @param weightsManager the sub-manager of {@code root} that holds {@code weights}; capped here
     * @param root the backbone's root manager; owned by the runtime from now on
     */
    public static SeriesBackboneRuntime create(
            String name, PatchTstWeights weights, NDManager weightsManager, NDManager root) {
        weightsManager.cap();
        PatchTstConfig config = weights.config();
        BackboneDescriptor descriptor =
                new BackboneDescriptor(
                        name,
                        "patchtst",
                        TaskRules.SERIES,
                        config.dModel(),
                        config.layers(),
                        weights.byteSize(),
                        config.channels() * config.positions(),
                        Map.of(
                                "contextLength", config.contextLength(),
                                "channels", config.channels(),
                                "patches", config.patches(),
                                "classToken", config.clsToken() ? 1 : 0));
        return new SeriesBackboneRuntime(descriptor, weights, root);
    }

    @Override
    public BackboneDescriptor descriptor() {
        return descriptor;
    }

    public PatchTstConfig config() {
        return weights.config();
    }

    public PatchTstWeights weights() {
        return weights;
    }

    @Override
    public NDManager root() {
        return root;
    }

    @Override
    public VfmImporter importer() {
        return importer;
    }

    /** Checks, fills (by the task's missing-value policy), scales and patches the series. */
    @Override
    public List<ModelInput> prepare(InferRequest request, TaskSpec task, int maxInputs) {
        return List.copyOf(inputs.require(request.inputs(), maxInputs, task.missingValues()));
    }

    @Override
    public BatchResult execute(List<BatchRow> rows) {
        return executor.execute(rows);
    }

    @Override
    public int passOverheadUnits() {
        return MicroBatches.passOverheadUnits(config().dModel(), config().ffnDim());
    }

    @Override
    public void close() {
        root.close();
    }
}
