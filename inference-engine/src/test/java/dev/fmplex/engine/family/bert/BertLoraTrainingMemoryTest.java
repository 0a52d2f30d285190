package dev.fmplex.engine.family.bert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.training.TrainingMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training memory estimate, worked by hand for MiniLM's shape. */
class BertLoraTrainingMemoryTest {

    private static final BertConfig MINILM =
            new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);

    @Test
    void countsTheAdapterWithItsGradientAndMomentsAndOnePassOfActivations() {
        TrainingMemory memory =
                BertLoraTraining.estimate(
                        MINILM,
                        90_000_000L,
                        1,
                        List.of(Projection.QUERY, Projection.VALUE),
                        8,
                        2,
                        2,
                        16);
        // query and value: rank 8 x (384 in + 384 out) each; head 384 x 2 + 2; 4 arrays of floats.
        assertThat(memory.trainableBytes()).isEqualTo((2L * 8 * 768 + 768 + 2) * 4 * 4);
        // 32 tokens x 384 x 24 floats, and 2 maps of 12 heads x 16 x 16 per row.
        assertThat(memory.activationBytes()).isEqualTo((32L * 384 * 24 + 2L * 2 * 12 * 256) * 4);
        assertThat(memory.copyBytes()).isEqualTo(90_000_000L);
        assertThat(memory.totalBytes())
                .isEqualTo(memory.copyBytes() + memory.trainableBytes() + memory.activationBytes());
        assertThat(memory.toString()).startsWith("87.2 MB (eager copy of the backbone 85.8 MB");
    }

    @Test
    void theFeedForwardProjectionsUseTheIntermediateWidthAndLayersMultiply() {
        TrainingMemory one =
                BertLoraTraining.estimate(
                        MINILM,
                        0,
                        1,
                        List.of(Projection.INTERMEDIATE, Projection.OUTPUT),
                        4,
                        3,
                        1,
                        8);
        TrainingMemory three =
                BertLoraTraining.estimate(
                        MINILM,
                        0,
                        3,
                        List.of(Projection.INTERMEDIATE, Projection.OUTPUT),
                        4,
                        3,
                        1,
                        8);
        long adapterPerLayer = 2L * 4 * (384 + 1536) * 4 * 4;
        long head = (384L * 3 + 3) * 4 * 4;
        assertThat(one.trainableBytes()).isEqualTo(adapterPerLayer + head);
        assertThat(three.trainableBytes()).isEqualTo(3 * adapterPerLayer + head);
        assertThat(three.activationBytes()).isEqualTo(3 * one.activationBytes());
    }
}
