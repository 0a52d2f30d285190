package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.HeadOutputs;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.execution.SharedRows;
import dev.fmplex.engine.execution.SharedRows.BackboneRow;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.HeadRow;
import dev.fmplex.engine.family.bert.EncoderInputs.PromptInputs;
import dev.fmplex.engine.nn.Pooler;
import dev.fmplex.engine.text.EncodedText;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs rows of any number of vFMs of one backbone in ONE forward pass.
 *
 * <ol>
 *   <li>Rows of vFMs that leave the backbone unchanged (no LoRA, no prompt) and carry the same
 *       tokens become one backbone row ({@link SharedRows}): several heads over one text cost one
 *       forward.
 *   <li>Rows are right-padded to the longest (virtual tokens + input) row; soft prompts take their
 *       slots before [CLS]; each adapted linear layer adds its LoRA delta to its rows only ({@link
 *       LoraDeltas}).
 *   <li>The pass stops at the deepest layer any vFM reads; each vFM's head then runs on its own
 *       rows with its own layer and pooling. A head that throws or yields NaN fails its rows only.
 * </ol>
 *
 * Everything a batch creates lives in one sub-manager closed at the end of the batch.
 */
final class BertBatchExecutor {

    private final BertForward forward;
    private final NDManager root;

    /** With the eager DJL encoder. */
    public BertBatchExecutor(BertEncoder encoder, NDManager root) {
        this(BertForward.eager(encoder), root);
    }

    BertBatchExecutor(BertForward forward, NDManager root) {
        this.forward = forward;
        this.root = root;
    }

    private static EncodedText text(BackboneRow row) {
        return (EncodedText) row.input();
    }

    private static int promptLength(BackboneRow row) {
        return row.adapted() == null ? 0 : row.adapted().promptLength();
    }

    /** Virtual tokens and input tokens. */
    private static int length(BackboneRow row) {
        return promptLength(row) + text(row).ids().length;
    }

    public BatchResult execute(List<BatchRow> rows) {
        SharedRows shared = SharedRows.of(rows);
        List<BackboneRow> backboneRows = shared.backboneRows();
        int[] backboneRowOf = shared.backboneRowOf();
        Map<VfmModel, List<Integer>> rowsByVfm = shared.rowsByVfm();
        Set<Integer> layers = new TreeSet<>();
        rowsByVfm.keySet().forEach(vfm -> layers.add(vfm.layer()));

        try (NDManager batch = root.newSubManager()) {
            int length =
                    backboneRows.stream().mapToInt(BertBatchExecutor::length).max().orElseThrow();
            EncoderInputs inputs = inputs(batch, backboneRows, length);
            NDArray inputMask = inputTokenMask(batch, backboneRows, length);
            NDArray[] hidden = forward.forward(batch, inputs, layers, shared.modules());

            RowResult[] results = new RowResult[rows.size()];
            for (Map.Entry<VfmModel, List<Integer>> entry : rowsByVfm.entrySet()) {
                runHead(
                        batch,
                        entry.getKey(),
                        entry.getValue(),
                        rows,
                        backboneRowOf,
                        hidden,
                        inputMask,
                        results);
            }
            return new BatchResult(List.of(results), backboneRows.size(), rowsByVfm.size());
        }
    }

    private static void runHead(
            NDManager batch,
            VfmModel vfm,
            List<Integer> rowIndices,
            List<BatchRow> rows,
            int[] backboneRowOf,
            NDArray[] hidden,
            NDArray inputMask,
            RowResult[] results) {
        HeadOutputs.store(
                vfm,
                rowIndices,
                () -> {
                    NDArray index =
                            batch.create(
                                    rowIndices.stream().mapToLong(i -> backboneRowOf[i]).toArray());
                    NDArray states = hidden[vfm.layer()].get(index);
                    NDArray features =
                            vfm.head().tokenLevel()
                                    ? states
                                    : Pooler.pool(states, inputMask.get(index), vfm.pooling());
                    List<HeadRow> headRows =
                            rowIndices.stream()
                                    .map(i -> new HeadRow(rows.get(i).input(), vfm.promptLength()))
                                    .toList();
                    return vfm.head().apply(features, headRows);
                },
                results);
    }

    private static EncoderInputs inputs(NDManager batch, List<BackboneRow> rows, int length) {
        int count = rows.size();
        long[] ids = new long[count * length];
        long[] typeIds = new long[count * length];
        long[] mask = new long[count * length];
        Map<VfmModel, Integer> promptOffsets = new IdentityHashMap<>();
        int promptRows = 0;
        for (BackboneRow row : rows) {
            if (promptLength(row) > 0 && !promptOffsets.containsKey(row.adapted())) {
                promptOffsets.put(row.adapted(), promptRows);
                promptRows += promptLength(row);
            }
        }
        boolean[] slots = promptRows == 0 ? null : new boolean[count * length];
        long[] promptIndex = promptRows == 0 ? null : new long[count * length];
        for (int r = 0; r < count; r++) {
            BackboneRow row = rows.get(r);
            int base = r * length;
            int prompt = promptLength(row);
            for (int t = 0; t < prompt; t++) {
                slots[base + t] = true;
                promptIndex[base + t] = promptOffsets.get(row.adapted()) + t;
            }
            long[] tokens = text(row).ids();
            System.arraycopy(tokens, 0, ids, base + prompt, tokens.length);
            // Virtual tokens are type 0, as PEFT prepends zeros to token_type_ids.
            text(row).copyTypeIds(typeIds, base + prompt);
            Arrays.fill(mask, base, base + prompt + tokens.length, 1L);
        }
        Shape shape = new Shape(count, length);
        PromptInputs prompts = null;
        if (promptRows > 0) {
            long hiddenSize =
                    promptOffsets
                            .keySet()
                            .iterator()
                            .next()
                            .prompt()
                            .embeddings()
                            .getShape()
                            .get(1);
            // Copied into the batch's own table so no array attaches to a vFM's manager.
            NDArray table = batch.zeros(new Shape(promptRows, hiddenSize));
            for (Map.Entry<VfmModel, Integer> entry : promptOffsets.entrySet()) {
                int offset = entry.getValue();
                table.set(
                        new NDIndex("{}:{}", offset, offset + entry.getKey().promptLength()),
                        entry.getKey().prompt().embeddings());
            }
            prompts =
                    new PromptInputs(
                            batch.create(slots, shape).expandDims(2),
                            batch.create(promptIndex, shape),
                            table);
        }
        return new EncoderInputs(
                batch.create(ids, shape),
                batch.create(typeIds, shape),
                batch.create(mask, shape),
                prompts);
    }

    /** 1 at the positions of real input tokens: not virtual tokens, not padding. */
    private static NDArray inputTokenMask(NDManager batch, List<BackboneRow> rows, int length) {
        long[] mask = new long[rows.size() * length];
        for (int r = 0; r < rows.size(); r++) {
            BackboneRow row = rows.get(r);
            int start = r * length + promptLength(row);
            Arrays.fill(mask, start, start + text(row).ids().length, 1L);
        }
        return batch.create(mask, new Shape(rows.size(), length));
    }
}
