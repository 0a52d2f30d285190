package dev.fmplex.engine.family.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.HeadOutputs;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.execution.ServedBackbone;
import dev.fmplex.engine.execution.SharedRows;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.HeadRow;
import dev.fmplex.engine.extension.peft.AdapterTargets;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.input.ContentKey;
import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.input.RequestInputs;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.task.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A loaded {@code byte-histogram} backbone: one "layer" whose output is the histogram itself. */
final class ByteHistogramBackbone implements ServedBackbone {

    /** One text as histogram counts, one unit of work. */
    record Histogram(float[] counts) implements ModelInput {
        @Override
        public int units() {
            return 1;
        }

        @Override
        public ContentKey contentKey() {
            return ContentKey.of(Histogram.class, counts);
        }
    }

    private final BackboneDescriptor descriptor;
    private final int bins;
    private final int maxBytes;
    private final NDManager root;
    private final VfmImporter importer;

    ByteHistogramBackbone(String name, int bins, int maxBytes, NDManager root) {
        this.descriptor =
                new BackboneDescriptor(
                        name, ByteHistogramFamily.MODEL_TYPE, "text", bins, 1, 0, maxBytes);
        this.bins = bins;
        this.maxBytes = maxBytes;
        this.root = root;
        // No projections to adapt: vFMs of this family differ by their heads alone.
        this.importer =
                new VfmImporter(
                        new AdapterTargets(
                                "byte-histogram",
                                "",
                                List.of(new AdapterTargets.Tower("layers", 1, bins, 0, List.of())),
                                0,
                                false,
                                bins,
                                0,
                                false,
                                Map.of()));
    }

    /** The feature this family computes for {@code text}; the test's reference too. */
    static float[] histogram(String text, int bins) {
        float[] counts = new float[bins];
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            counts[(b & 0xff) % bins]++;
        }
        return counts;
    }

    @Override
    public BackboneDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NDManager root() {
        return root;
    }

    @Override
    public VfmImporter importer() {
        return importer;
    }

    @Override
    public List<ModelInput> prepare(InferRequest request, TaskSpec task, int maxInputs) {
        List<String> texts = RequestInputs.require(request.inputs(), maxInputs);
        List<ModelInput> prepared = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            int length = texts.get(i).getBytes(StandardCharsets.UTF_8).length;
            if (length > maxBytes) {
                throw new InvalidInputException(
                        InvalidInputException.Reason.INPUT_TOO_LONG,
                        "inputs[" + i + "]",
                        "inputs[" + i + "] is " + length + " bytes; the limit is " + maxBytes,
                        Map.of("limit", maxBytes, "actual", length),
                        null);
            }
            prepared.add(new Histogram(histogram(texts.get(i), bins)));
        }
        return prepared;
    }

    @Override
    public BatchResult execute(List<BatchRow> rows) {
        SharedRows shared = SharedRows.of(rows);
        try (NDManager batch = root.newSubManager()) {
            float[] flat =
                    SharedRows.pack(
                            shared.backboneRows(), input -> ((Histogram) input).counts(), bins);
            NDArray features = batch.create(flat, new Shape(shared.backboneRows().size(), bins));
            RowResult[] results = new RowResult[rows.size()];
            for (Map.Entry<VfmModel, List<Integer>> entry : shared.rowsByVfm().entrySet()) {
                VfmModel vfm = entry.getKey();
                List<Integer> mine = entry.getValue();
                HeadOutputs.store(
                        vfm,
                        mine,
                        () ->
                                vfm.head()
                                        .apply(
                                                features.get(
                                                        batch.create(
                                                                mine.stream()
                                                                        .mapToLong(
                                                                                i ->
                                                                                        shared.backboneRowOf()[
                                                                                                i])
                                                                        .toArray())),
                                                mine.stream()
                                                        .map(
                                                                i ->
                                                                        new HeadRow(
                                                                                rows.get(i).input(),
                                                                                0))
                                                        .toList()),
                        results);
            }
            return new BatchResult(
                    List.of(results), shared.backboneRows().size(), shared.rowsByVfm().size());
        }
    }

    @Override
    public int passOverheadUnits() {
        return 1;
    }

    @Override
    public void close() {
        root.close();
    }
}
