package dev.fmplex.engine.family.bert;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.fmplex.engine.nn.LinearDelta;
import dev.fmplex.engine.nn.Pooler;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.text.TokenBatch;
import dev.fmplex.engine.training.LoraRecipe;
import dev.fmplex.engine.training.StepGate;
import dev.fmplex.engine.training.TrainedAdapter;
import dev.fmplex.engine.training.TrainingCancelledException;
import dev.fmplex.model.task.Pooling;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Trains LoRA on a BERT encoder together with a classifier head, with DJL's training API on the
 * PyTorch engine: the eager encoder ({@link BertEncoder}, the serving reference) runs under a
 * {@link GradientCollector} with a {@link LinearDelta} that adds each adapted projection's {@code x
 * · Aᵀ · Bᵀ · alpha/r}; the backbone's weights carry no gradient and are never written, so serving
 * from the same weights goes on meanwhile. Cross-entropy on the pooled features of the task's
 * layer, {@link Optimizer#adamW() AdamW}, early stopping on the validation split's loss.
 *
 * <p>As PEFT initialises LoRA, {@code A} is uniform in {@code ±1/sqrt(in)} and {@code B} zero, so
 * the first step starts from the frozen backbone and the given warm-start head exactly. A step is
 * split into passes of at most {@code passRows} examples whose gradients add up (the loss is scaled
 * by each pass's share of the step), so each pass holds the backbone only briefly: a serving
 * request that arrives during one waits for that pass, not for the whole step.
 */
public final class BertLoraTrainer {

    /**
     * PyTorch's engine allows one gradient collector at a time in the process, so steps of
     * concurrent jobs take turns.
     */
    private static final ReentrantLock COLLECTING = new ReentrantLock();

    private final BertEncoder encoder;
    private final NDManager root;
    private final int layers;

    private BertLoraTrainer(BertEncoder encoder, NDManager root) {
        this.encoder = encoder;
        this.root = root;
        this.layers = encoder.config().layers();
    }

    /**
     * @throws IllegalStateException when the backbone's DJL weights were released (it serves on
     *     ONNX Runtime): load an eager copy to train on
     */
    public static BertLoraTrainer of(BertServedBackbone backbone) {
        return new BertLoraTrainer(new BertEncoder(backbone.weights()), backbone.root());
    }

    /** Examples of one split: tokenized inputs and their label indices. */
    public record Split(List<EncodedText> inputs, int[] labels) {
        public Split {
            inputs = List.copyOf(inputs);
            if (inputs.size() != labels.length || inputs.isEmpty()) {
                throw new IllegalArgumentException(
                        "a split needs one label per input and at least one input");
            }
        }
    }

    /**
     * What the head reads and where it starts.
     *
     * @param layer the hidden-state index the head reads (0 = embeddings)
     * @param headWeight {@code [labels][hidden]}, the warm start (e.g. the fitted linear head)
     * @param headBias {@code [labels]}
     */
    public record Head(int layer, Pooling pooling, float[][] headWeight, float[] headBias) {}

    /**
     * @param passRows most examples in one forward-backward pass
     * @param progress told after each epoch
     * @param cancelled checked before each pass
     * @throws TrainingCancelledException when {@code cancelled} turned true
     */
    public TrainedAdapter train(
            Split training,
            Split validation,
            Head head,
            LoraRecipe recipe,
            int passRows,
            StepGate gate,
            Consumer<TrainedAdapter.Epoch> progress,
            BooleanSupplier cancelled) {
        if (head.layer() < 1 || head.layer() > layers) {
            throw new IllegalArgumentException(
                    "LoRA needs a head on layer 1.." + layers + ", not " + head.layer());
        }
        try (NDManager params = root.newSubManager()) {
            Parameters p = new Parameters(params, head, recipe);
            Optimizer optimizer =
                    Optimizer.adamW()
                            .optLearningRateTracker(Tracker.fixed(recipe.learningRate()))
                            .optWeightDecays(recipe.weightDecay())
                            .build();
            Random order = new Random(recipe.seed());
            double start = evaluate(p, validation, head, passRows, gate, cancelled)[0];
            Snapshot best = null;
            double bestLoss = start;
            int bestEpoch = 0;
            int sinceBest = 0;
            boolean stoppedEarly = false;
            List<TrainedAdapter.Epoch> epochs = new ArrayList<>();
            for (int epoch = 1; epoch <= recipe.epochs(); epoch++) {
                List<Integer> shuffled = new ArrayList<>();
                for (int i = 0; i < training.inputs().size(); i++) {
                    shuffled.add(i);
                }
                Collections.shuffle(shuffled, order);
                double lossSum = 0;
                for (int from = 0; from < shuffled.size(); from += recipe.batchRows()) {
                    List<Integer> step =
                            shuffled.subList(
                                    from, Math.min(shuffled.size(), from + recipe.batchRows()));
                    lossSum +=
                            step(p, optimizer, training, step, head, passRows, gate, cancelled)
                                    * step.size();
                }
                double[] val = evaluate(p, validation, head, passRows, gate, cancelled);
                TrainedAdapter.Epoch done =
                        new TrainedAdapter.Epoch(
                                epoch, lossSum / training.inputs().size(), val[0], val[1]);
                epochs.add(done);
                progress.accept(done);
                if (val[0] < bestLoss) {
                    bestLoss = val[0];
                    bestEpoch = epoch;
                    best = p.snapshot();
                    sinceBest = 0;
                } else if (++sinceBest >= recipe.patience()) {
                    stoppedEarly = epoch < recipe.epochs();
                    break;
                }
            }
            Snapshot kept = best != null ? best : p.snapshot();
            return new TrainedAdapter(
                    recipe,
                    kept.modules,
                    kept.headWeight,
                    kept.headBias,
                    List.copyOf(epochs),
                    start,
                    bestEpoch,
                    stoppedEarly);
        }
    }

    /** One optimizer step over {@code rows}; returns its mean loss. */
    private double step(
            Parameters p,
            Optimizer optimizer,
            Split split,
            List<Integer> rows,
            Head head,
            int passRows,
            StepGate gate,
            BooleanSupplier cancelled) {
        double[] loss = new double[1];
        for (int from = 0; from < rows.size(); from += passRows) {
            List<Integer> pass = rows.subList(from, Math.min(rows.size(), from + passRows));
            float share = (float) pass.size() / rows.size();
            runPass(
                    split,
                    pass,
                    gate,
                    cancelled,
                    batch -> {
                        COLLECTING.lock();
                        try (GradientCollector collector =
                                Engine.getEngine("PyTorch").newGradientCollector()) {
                            NDArray value = loss(p, batch, split, pass, head);
                            loss[0] += value.getFloat() * share;
                            collector.backward(value.mul(share));
                        } finally {
                            COLLECTING.unlock();
                        }
                    });
        }
        // The update runs outside the collector (no gradient recorded) and off the scheduler: it
        // touches only the adapter's and head's few parameters.
        p.update(optimizer);
        return loss[0];
    }

    /** Mean loss and accuracy over a split, without gradients. */
    private double[] evaluate(
            Parameters p,
            Split split,
            Head head,
            int passRows,
            StepGate gate,
            BooleanSupplier cancelled) {
        double[] sums = new double[2];
        for (int from = 0; from < split.inputs().size(); from += passRows) {
            List<Integer> pass = new ArrayList<>();
            for (int i = from; i < Math.min(split.inputs().size(), from + passRows); i++) {
                pass.add(i);
            }
            runPass(
                    split,
                    pass,
                    gate,
                    cancelled,
                    batch -> {
                        NDArray logits = logits(p, batch, split, pass, head);
                        NDArray labels = labels(batch, split, pass);
                        sums[0] += crossEntropy(logits, labels).getFloat() * pass.size();
                        long[] predicted = logits.argMax(1).toLongArray();
                        for (int k = 0; k < pass.size(); k++) {
                            sums[1] += predicted[k] == split.labels()[pass.get(k)] ? 1 : 0;
                        }
                    });
        }
        int n = split.inputs().size();
        return new double[] {sums[0] / n, sums[1] / n};
    }

    private void runPass(
            Split split,
            List<Integer> pass,
            StepGate gate,
            BooleanSupplier cancelled,
            Consumer<NDManager> work) {
        if (cancelled.getAsBoolean()) {
            throw new TrainingCancelledException("the training job was cancelled");
        }
        int length =
                pass.stream().mapToInt(i -> split.inputs().get(i).ids().length).max().orElse(1);
        gate.run(
                pass.size(),
                length,
                () -> {
                    try (NDManager batch = root.newSubManager()) {
                        work.accept(batch);
                    }
                });
    }

    private NDArray loss(
            Parameters p, NDManager batch, Split split, List<Integer> rows, Head head) {
        return crossEntropy(logits(p, batch, split, rows, head), labels(batch, split, rows));
    }

    private NDArray logits(
            Parameters p, NDManager batch, Split split, List<Integer> rows, Head head) {
        TokenBatch tokens = TokenBatch.pad(rows.stream().map(split.inputs()::get).toList());
        Shape shape = new Shape(tokens.rows(), tokens.length());
        NDArray mask = batch.create(tokens.attentionMask(), shape);
        EncoderInputs inputs =
                new EncoderInputs(
                        batch.create(tokens.ids(), shape),
                        batch.create(tokens.typeIds(), shape),
                        mask,
                        null);
        NDArray hidden = encoder.forward(batch, inputs, head.layer(), p.delta())[head.layer()];
        NDArray pooled = Pooler.pool(hidden, mask, head.pooling());
        return pooled.matMul(p.headT).add(p.headBias);
    }

    private static NDArray labels(NDManager batch, Split split, List<Integer> rows) {
        return batch.create(rows.stream().mapToLong(i -> split.labels()[i]).toArray());
    }

    /** Mean of {@code -log softmax(logits)[label]}. */
    private static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logProbabilities = logits.logSoftmax(1);
        NDArray oneHot =
                labels.oneHot((int) logits.getShape().get(1)).toType(DataType.FLOAT32, false);
        return logProbabilities.mul(oneHot).sum(new int[] {1}).neg().mean();
    }

    /**
     * The trained arrays, each a leaf with a gradient, in the job's own manager. They are kept
     * transposed ({@code Aᵀ [in, r]}, {@code Bᵀ [r, out]}, the head's {@code Wᵀ [hidden, labels]})
     * so that every product in a pass is called on the pass's own activations: its result, and
     * everything derived from it, then belongs to the pass's manager and is freed with it.
     */
    private final class Parameters {
        private final Map<String, NDArray[]> modules = new LinkedHashMap<>();
        private final Map<String, long[]> shapes = new LinkedHashMap<>();
        private final NDArray headT;
        private final NDArray headBias;
        private final float scale;

        Parameters(NDManager manager, Head head, LoraRecipe recipe) {
            Random random = new Random(recipe.seed());
            this.scale = recipe.scale();
            for (int layer = 0; layer < layers; layer++) {
                for (Projection role : recipe.targets()) {
                    long[] io = widths(role);
                    float bound = (float) (1 / Math.sqrt(io[0]));
                    float[] downT = new float[(int) (recipe.rank() * io[0])];
                    for (int i = 0; i < downT.length; i++) {
                        downT[i] = (random.nextFloat() * 2 - 1) * bound;
                    }
                    NDArray down = manager.create(downT, new Shape(io[0], recipe.rank()));
                    NDArray up = manager.zeros(new Shape(recipe.rank(), io[1]));
                    down.setRequiresGradient(true);
                    up.setRequiresGradient(true);
                    modules.put(key(layer, role), new NDArray[] {down, up});
                    shapes.put(key(layer, role), io);
                }
            }
            float[][] w = head.headWeight();
            int labels = w.length;
            int width = w[0].length;
            float[] flatT = new float[labels * width];
            for (int c = 0; c < labels; c++) {
                for (int h = 0; h < width; h++) {
                    flatT[h * labels + c] = w[c][h];
                }
            }
            headT = manager.create(flatT, new Shape(width, labels));
            headBias = manager.create(head.headBias().clone());
            headT.setRequiresGradient(true);
            headBias.setRequiresGradient(true);
        }

        LinearDelta delta() {
            return (layer, linear, input, output) -> {
                NDArray[] module = modules.get(key(layer, linear));
                if (module == null) {
                    return output;
                }
                return output.add(input.matMul(module[0]).matMul(module[1]).mul(scale));
            };
        }

        void update(Optimizer optimizer) {
            modules.forEach(
                    (key, module) -> {
                        apply(optimizer, key + "/A", module[0]);
                        apply(optimizer, key + "/B", module[1]);
                    });
            apply(optimizer, "head/weight", headT);
            apply(optimizer, "head/bias", headBias);
        }

        private void apply(Optimizer optimizer, String id, NDArray parameter) {
            try (NDArray gradient = parameter.getGradient()) {
                optimizer.update(id, parameter, gradient);
                // Gradients add up across passes; the next step starts from zero.
                gradient.subi(gradient);
            }
        }

        Snapshot snapshot() {
            List<TrainedAdapter.Module> copies = new ArrayList<>();
            modules.forEach(
                    (key, module) -> {
                        String[] parts = key.split("/");
                        long[] io = shapes.get(key);
                        int rank = (int) module[0].getShape().get(1);
                        copies.add(
                                new TrainedAdapter.Module(
                                        Integer.parseInt(parts[0]),
                                        Projection.valueOf(parts[1]),
                                        io[0],
                                        io[1],
                                        transpose(module[0].toFloatArray(), (int) io[0], rank),
                                        transpose(module[1].toFloatArray(), rank, (int) io[1])));
                    });
            int width = (int) headT.getShape().get(0);
            int labels = (int) headT.getShape().get(1);
            float[] flat = transpose(headT.toFloatArray(), width, labels);
            float[][] w = new float[labels][width];
            for (int c = 0; c < labels; c++) {
                System.arraycopy(flat, c * width, w[c], 0, width);
            }
            return new Snapshot(copies, w, headBias.toFloatArray());
        }

        private long[] widths(Projection role) {
            BertConfig config = encoder.config();
            long hidden = config.hiddenSize();
            long intermediate = config.intermediateSize();
            return switch (role) {
                case QUERY, KEY, VALUE, ATTENTION_OUTPUT -> new long[] {hidden, hidden};
                case INTERMEDIATE -> new long[] {hidden, intermediate};
                case OUTPUT -> new long[] {intermediate, hidden};
            };
        }
    }

    /** {@code [rows, columns]} row-major to {@code [columns, rows]}. */
    private static float[] transpose(float[] values, int rows, int columns) {
        float[] result = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                result[c * rows + r] = values[r * columns + c];
            }
        }
        return result;
    }

    private record Snapshot(
            List<TrainedAdapter.Module> modules, float[][] headWeight, float[] headBias) {}

    private static String key(int layer, Projection role) {
        return layer + "/" + role.name();
    }
}
