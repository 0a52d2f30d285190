package dev.fmplex.engine.family.bert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.registry.VfmRegistry;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Zero-downtime versions: a request holds the version it acquired when it entered the queue (the
 * worker acquires at submit), so a version installed meanwhile changes only later requests; the old
 * version's native memory goes when its last request is done.
 */
class VersionSwapTest extends TinyBackboneTest {

    private static final EncodedText TEXT = new EncodedText(new long[] {1, 9, 14, 27, 2}, 5);

    @Override
    protected long seed() {
        return 11;
    }

    @Test
    void aRequestInFlightFinishesOnItsVersionWhileLaterOnesGetTheNewOne() throws Exception {
        VfmRegistry registry = new VfmRegistry();
        VfmModel first = version(1, new Random(1));
        registry.install(first);
        float[] firstAlone = embed(first);

        // A request enters the queue holding version 1; version 2 is installed before it runs.
        VfmModel inFlight = registry.acquire("swapped").orElseThrow();
        VfmModel second = version(2, new Random(2));
        assertThat(registry.install(second)).contains(1);

        VfmModel later = registry.acquire("swapped").orElseThrow();
        assertThat(later.version()).isEqualTo(2);
        assertThat(inFlight.version()).isEqualTo(1);
        // Both run in one batch, each on its own version.
        BatchResult mixed =
                executor.execute(List.of(new BatchRow(inFlight, TEXT), new BatchRow(later, TEXT)));
        float[] oldRow = embedding(mixed.results().get(0));
        float[] newRow = embedding(mixed.results().get(1));
        assertThat(oldRow).containsExactly(firstAlone, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(newRow).isNotEqualTo(oldRow);

        // The old version stays usable until its last request lets go, then it is gone for good.
        inFlight.release();
        assertThat(inFlight.retain()).as("version 1 after its last request").isFalse();
        later.release();
        assertThat(registry.acquire("swapped").orElseThrow().version()).isEqualTo(2);
    }

    private VfmModel version(int version, Random random) throws Exception {
        RandomVfm vfm =
                RandomVfm.builder("swapped", new EmbeddingTask(Pooling.MEAN, true), CONFIG)
                        .lora(4, 8, Projection.QUERY, Projection.VALUE)
                        .build(random);
        return importer.load(vfm.id, version, vfm.task, vfm.files(), root);
    }

    private float[] embed(VfmModel model) {
        return embedding(executor.execute(List.of(new BatchRow(model, TEXT))).results().get(0));
    }

    private static float[] embedding(RowResult result) {
        return ((EmbeddingOutput) ((RowResult.Success) result).output()).embedding();
    }
}
