package dev.fmplex.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the cluster simulator working in CI: the smoke plan measures a few real batches on the
 * bundled backbone and a BERT-base-shaped one, fits the cost model, simulates two small traces and
 * writes the report, the calibration CSV and the plot. Checks the harness, not the numbers.
 */
class ClusterSimulatorSmokeTest {

    @TempDir Path output;

    @Test
    void theSmokePlanCalibratesSimulatesAndWritesTheReport() throws Exception {
        String report = ClusterSimulatorBench.run(true, output, null);

        assertThat(report)
                .contains(
                        "#### Batch-cost model, calibrated here",
                        "| in sample, MiniLM batches |",
                        "fitted on MiniLM only, predicting BERT-base",
                        "| vit-base-patch16-224 | image | 12 | 768 |",
                        "| 20 | 20 |",
                        "| 40 |",
                        "Most tasks meeting their SLO on this cluster");
        assertThat(Files.readString(output.resolve("cluster-simulation.md"))).isEqualTo(report);
        assertThat(output.resolve("img/cluster-tasks-meeting-slo.png")).isNotEmptyFile();

        // The calibration CSV is enough to simulate again without measuring.
        Path again = output.resolve("again");
        String replayed =
                ClusterSimulatorBench.run(true, again, output.resolve("cluster-calibration.csv"));
        assertThat(Files.readString(again.resolve("cluster-calibration.csv")))
                .isEqualTo(Files.readString(output.resolve("cluster-calibration.csv")));
        assertThat(replayed).contains("Most tasks meeting their SLO on this cluster");
    }
}
