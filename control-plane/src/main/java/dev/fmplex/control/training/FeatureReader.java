package dev.fmplex.control.training;

import dev.fmplex.control.routing.WorkerGateway;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.vfm.Quota;
import dev.fmplex.model.vfm.VfmDeployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The frozen backbone's features of a dataset, read as a serving vFM reads them: a transient
 * embedding deployment with the trained vFM's pooling and layer (unnormalized, so it is exactly
 * what the head will see) runs through the backbone's fair scheduler at a low weight, so serving
 * vFMs keep their shares while a job reads its features. Removed when done.
 */
final class FeatureReader {

    static final int CHUNK = 4;

    private final WorkerGateway gateway;
    private final double weight;

    FeatureReader(WorkerGateway gateway, double weight) {
        this.gateway = gateway;
        this.weight = weight;
    }

    double[][] read(
            String jobId,
            VfmView vfm,
            List<Object> inputs,
            IntConsumer progress,
            BooleanSupplier cancelled) {
        Pooling pooling;
        Integer layer;
        if (vfm.task() instanceof ClassificationTask c) {
            pooling = c.pooling();
            layer = c.layer();
        } else {
            RegressionTask r = (RegressionTask) vfm.task();
            pooling = r.pooling();
            layer = r.layer();
        }
        VfmDeployment reader =
                new VfmDeployment(
                        "training-" + jobId,
                        1,
                        vfm.backbone(),
                        new EmbeddingTask(pooling, false, layer, null),
                        Quota.NONE,
                        weight);
        gateway.deploy(reader, Map.of());
        try {
            double[][] features = new double[inputs.size()][];
            for (int from = 0; from < inputs.size(); from += CHUNK) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                List<Object> chunk = inputs.subList(from, Math.min(inputs.size(), from + CHUNK));
                InferResponse reply;
                try {
                    reply =
                            gateway.infer(
                                            reader,
                                            new InferRequest(List.copyOf(chunk), true, 600_000))
                                    .block(Duration.ofMinutes(11));
                } catch (FmplexException e) {
                    throw atExample(e, from);
                }
                for (int i = 0; i < chunk.size(); i++) {
                    float[] embedding = ((EmbeddingOutput) reply.outputs().get(i)).embedding();
                    double[] row = new double[embedding.length];
                    for (int j = 0; j < row.length; j++) {
                        row[j] = embedding[j];
                    }
                    features[from + i] = row;
                }
                progress.accept(from + chunk.size());
            }
            return features;
        } finally {
            gateway.undeploy(reader.vfmId());
        }
    }

    /** The worker names {@code inputs[k]} of its chunk; the caller knows {@code examples[i]}. */
    static FmplexException atExample(FmplexException e, int chunkStart) {
        Matcher m = INPUT_FIELD.matcher(e.field() == null ? "" : e.field());
        if (!m.matches()) {
            return e;
        }
        int example = chunkStart + Integer.parseInt(m.group(1));
        String field = "examples[" + example + "].input" + m.group(2);
        String detail = e.getMessage().replace(m.group(0), field);
        return new FmplexException(e.type(), field, detail);
    }

    private static final Pattern INPUT_FIELD = Pattern.compile("inputs\\[(\\d+)\\](.*)");
}
