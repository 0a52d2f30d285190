package dev.fmplex.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.client.model.EmbeddingTask;
import java.nio.file.Path;

/**
 * The independent-lifecycle check shared by the standalone and the cluster tests: while a steady
 * vFM serves continuous load, another goes through create, two versions, pause, resume and delete
 * again and again; the steady one must not see a single error.
 */
final class IndependentLifecycles {

    private IndependentLifecycles() {}

    /** What the steady vFM saw. */
    record Steady(String id, int served) {}

    /** Runs {@code cycles} full lifecycles beside a loaded vFM on {@code backbone}. */
    static Steady check(FmplexApi api, String backbone, int cycles, Path scratch) throws Exception {
        return check(api, backbone, cycles, scratch, () -> {});
    }

    /** The same; {@code onSlowRequest} as for {@link BackgroundLoad}. */
    static Steady check(
            FmplexApi api, String backbone, int cycles, Path scratch, Runnable onSlowRequest)
            throws Exception {
        String steady = api.create("steady", backbone, new EmbeddingTask()).getId();
        BackgroundLoad load =
                new BackgroundLoad(api, steady, onSlowRequest, "steady traffic", "more");
        for (int cycle = 0; cycle < cycles; cycle++) {
            String id = api.create("cycling", backbone, new EmbeddingTask()).getId();
            assertThat(api.upload(id, PeftFiles.promptTuning(cycle, 2), scratch).getVersion())
                    .isEqualTo(2);
            assertThat(api.vfms.pauseVfm(id).block().getState()).hasToString("PAUSED");
            assertThat(FmplexApi.problemOf(() -> api.infer(id, "x")))
                    .isEqualTo("409 vfm-not-serving");
            var paused = api.upload(id, PeftFiles.promptTuning(cycle + 100, 3), scratch);
            assertThat(paused.getVersion()).isEqualTo(3);
            assertThat(paused.getState()).hasToString("PAUSED");
            assertThat(api.vfms.resumeVfm(id).block().getState()).hasToString("ACTIVE");
            assertThat(api.infer(id, "x").getVersion()).isEqualTo(3);
            assertThat(api.vfms.deleteVfm(id).block().getState()).hasToString("DELETED");
            assertThat(FmplexApi.problemOf(() -> api.get(id))).isEqualTo("404 unknown-vfm");
        }
        load.close();

        System.out.printf(
                "lifecycle isolation: %d cycles, steady vFM served %d requests, %d errors%n",
                cycles, load.served(), load.failed());
        assertThat(load.failed())
                .as("errors seen by the steady vFM (last: %s)", load.lastFailure())
                .isZero();
        assertThat(load.served()).as("requests the steady vFM served meanwhile").isPositive();
        return new Steady(steady, load.served());
    }
}
