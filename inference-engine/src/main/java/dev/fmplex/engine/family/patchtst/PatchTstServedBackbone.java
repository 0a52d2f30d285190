package dev.fmplex.engine.family.patchtst;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.LoadedBackbone;
import dev.fmplex.engine.execution.MicroBatches;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.task.TaskRules;
import dev.fmplex.model.task.TaskSpec;
import java.util.List;
import java.util.Map;

/**
 * One loaded PatchTST backbone: its weights (read-only, shared by every vFM), its series
 * preparation and encoder. Memory is tiered as in {@link LoadedBackbone}.
 *
 * <p>A series' unit of work is what the encoder runs for it: every channel's patches (plus class
 * token), so a 7-channel series of 42 patches costs 294 positions of the batch budget.
 */
public final class PatchTstServedBackbone extends LoadedBackbone<PatchTstConfig> {

    /** Native bytes the ONNX Runtime path may keep for recent adapter sets' LoRA stacks. */
    static final long LORA_STACK_BUDGET_BYTES = 16L << 20;

    private final SeriesInputs inputs;
    private final PatchTstBatchExecutor executor;
    private final VfmImporter importer;
    private final OrtPatchTstEncoder onnx;

    private PatchTstServedBackbone(
            BackboneDescriptor descriptor,
            BackboneParameters<PatchTstConfig> weights,
            NDManager root,
            OrtPatchTstEncoder onnx) {
        super(descriptor, weights, root);
        this.onnx = onnx;
        this.inputs = new SeriesInputs(descriptor.name(), weights.config());
        this.executor =
                new PatchTstBatchExecutor(
                        weights.config(),
                        onnx != null ? onnx : PatchTstForward.eager(new PatchTstEncoder(weights)),
                        root);
        this.importer = new VfmImporter(PatchTstLoraSurface.of(weights.config()));
    }

    /**
     * Assembles a served backbone.
     *
     * @param weightsManager the sub-manager of {@code root} that holds {@code weights}; capped here
     * @param root the backbone's root manager; owned by the served backbone from now on
     * @param execution the path batches run on; {@link ExecutionPath#ONNX_RUNTIME} builds the graph
     *     over {@code weights} once, here, and releases the DJL copy of the weights
     * @param intraOpThreads threads one ONNX Runtime pass may use
     */
    public static PatchTstServedBackbone create(
            String name,
            BackboneParameters<PatchTstConfig> weights,
            NDManager weightsManager,
            NDManager root,
            ExecutionPath execution,
            int intraOpThreads) {
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
        OrtPatchTstEncoder onnx =
                execution == ExecutionPath.ONNX_RUNTIME
                        ? new OrtPatchTstEncoder(weights, intraOpThreads, LORA_STACK_BUDGET_BYTES)
                        : null;
        PatchTstServedBackbone backbone =
                new PatchTstServedBackbone(descriptor, weights, root, onnx);
        if (onnx != null) {
            // ONNX Runtime holds the weights now; a second copy would only cost memory.
            backbone.releaseWeights(weightsManager, "ONNX Runtime holds them");
        }
        return backbone;
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
        if (onnx != null) {
            onnx.close();
        }
        super.close();
    }
}
