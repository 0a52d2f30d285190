package dev.fmplex.bench.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the serving comparison working in CI: its smoke plan (two task counts, one light load, one
 * second each, two rounds) runs the five in-process deployments on the real backbone (FMplex with
 * one and two lanes, co-location, partitioning, langchain4j one per task), checks FMplex's encoder
 * against ONNX Runtime on the same passes, and writes a complete report and plots. It checks the
 * harness, not the speed: no timing is asserted.
 */
class ServingComparisonSmokeTest {

    @TempDir Path output;

    @Test
    void theSmokePlanServesEveryRequestOnEveryDeploymentAndWritesTheReport() throws Exception {
        String report = ServingComparisonBench.run(ServingComparisonBench.Plan.smoke(), output);

        for (String deployment :
                new String[] {
                    "FMplex",
                    "FMplex, 2 lanes",
                    "co-location",
                    "spatial partitioning",
                    "langchain4j, one per task"
                }) {
            assertThat(report).contains("| 20 | " + deployment + " |");
        }
        assertThat(report)
                .contains("#### 1 task", "#### 2 tasks", "Tasks that fit a 16 GiB budget");
        // A light load (20 requests/s) with seconds to drain: every request is served.
        assertThat(report).doesNotContain("| ∞ |", "overloaded");
        assertThat(Files.readString(output.resolve("serving-comparison.md"))).isEqualTo(report);
        assertThat(output.resolve("img/serving-p99-1-tasks.png")).isNotEmptyFile();
        assertThat(output.resolve("img/serving-p99-2-tasks.png")).isNotEmptyFile();
        assertThat(output.resolve("img/serving-memory.png")).isNotEmptyFile();
        // Five deployments x two task counts x one load x two rounds, plus the header line.
        assertThat(Files.readAllLines(output.resolve("serving-results.csv"))).hasSize(21);
        // The throughput comparison ran (its outputs were checked equal before it was timed).
        assertThat(report).containsPattern("\\| 1 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+x \\|");
        assertThat(report).contains("p99 vs langchain4j, one per task");
        assertThat(report).contains("| FMplex, 2 lanes | 2 | 20 |");
    }
}
