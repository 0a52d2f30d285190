package dev.fmplex.bench.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.engine.family.ExecutionPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        ServingComparisonBench.Plan plan = ServingComparisonBench.Plan.smoke();
        String report = ServingComparisonBench.run(plan, output);

        // Spatial partitioning runs on the eager path only (lanes cannot bound an ONNX Runtime
        // session's thread pool).
        boolean partitioned = plan.execution() == ExecutionPath.EAGER;
        List<String> deployments =
                partitioned
                        ? List.of(
                                "FMplex",
                                "FMplex, 2 lanes",
                                "co-location",
                                "spatial partitioning",
                                "langchain4j, one per task")
                        : List.of(
                                "FMplex",
                                "FMplex, 2 lanes",
                                "co-location",
                                "langchain4j, one per task");
        for (String deployment : deployments) {
            assertThat(report).contains("| 20 | " + deployment + " |");
        }
        if (!partitioned) {
            assertThat(report).doesNotContain("| 20 | spatial partitioning |");
        }
        assertThat(report)
                .contains("#### 1 task", "#### 2 tasks", "Tasks that fit a 16 GiB budget");
        // A light load (20 requests/s) with seconds to drain: every request is served.
        assertThat(report).doesNotContain("| ∞ |", "overloaded");
        assertThat(Files.readString(output.resolve("serving-comparison.md"))).isEqualTo(report);
        assertThat(output.resolve("img/serving-p99-1-tasks.png")).isNotEmptyFile();
        assertThat(output.resolve("img/serving-p99-2-tasks.png")).isNotEmptyFile();
        assertThat(output.resolve("img/serving-memory.png")).isNotEmptyFile();
        // Each deployment x two task counts x one load x two rounds, plus the header line.
        assertThat(Files.readAllLines(output.resolve("serving-results.csv")))
                .hasSize(deployments.size() * 2 * 2 + 1);
        // The throughput comparison ran (its outputs were checked equal before it was timed).
        assertThat(report).containsPattern("\\| 1 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+x \\|");
        assertThat(report).contains("p99 vs langchain4j, one per task");
        assertThat(report).contains("| FMplex, 2 lanes | 2 | 20 |");
    }
}
