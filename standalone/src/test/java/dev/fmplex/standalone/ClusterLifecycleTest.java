package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.LocalCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.client.model.BackboneDescriptor;
import dev.fmplex.client.model.ClassificationTask;
import dev.fmplex.client.model.EmbeddingTask;
import dev.fmplex.client.model.PlacementView;
import dev.fmplex.client.model.UpdateVfmRequest;
import dev.fmplex.client.model.VersionView;
import dev.fmplex.client.model.VfmView;
import dev.fmplex.client.model.WorkerView;
import dev.fmplex.engine.family.bert.BertConfig;
import dev.fmplex.engine.family.bert.BertFamily;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;

/**
 * The control plane's promises on the distributed topology (real PostgreSQL, real HTTP, two worker
 * processes), called through the generated client. Worker "small" hosts only a small BERT loaded
 * from a Hugging Face checkpoint directory, with a budget that fits three of its vFMs; worker
 * "mini" hosts the bundled MiniLM. The last two tests restart the control plane and replace a
 * worker; they run last because they change the cluster under the others.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLifecycleTest {

    /** Shares MiniLM's vocabulary so the bundled tokenizer.json serves it too. */
    private static final BertConfig SMALL = new BertConfig(30522, 32, 2, 4, 64, 128, 2, 1e-12f);

    private static final String SMALL_BACKBONE = "small-bert";
    private static final long SMALL_VFM_BYTES = PeftFiles.loraClassifierBytes(32, 2);

    @TempDir static Path dir;
    private static LocalCluster cluster;
    private static FmplexApi api;
    private static long smallBudget;

    @BeforeAll
    static void startCluster() throws Exception {
        Path checkpoint = dir.resolve("small-bert");
        TinyBertCheckpoints.write(
                checkpoint,
                SMALL,
                TinyBertCheckpoints.randomWeights(SMALL, 17, SafetensorsDType.F32),
                "bert.");
        try (InputStream tokenizer =
                ClusterLifecycleTest.class
                        .getClassLoader()
                        .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(tokenizer, checkpoint.resolve(BertFamily.TOKENIZER_FILE));
        }
        cluster = LocalCluster.start(dir, "--fmplex.control.max-artifact-size=160KB");
        api = cluster.api();
        // The backbone once, three vFMs, and not quite a fourth.
        smallBudget = SMALL.parameterCount() * 4 + 3 * SMALL_VFM_BYTES + SMALL_VFM_BYTES / 2;
        cluster.startWorker(
                "--fmplex.worker.bundled-backbone=false",
                "--fmplex.worker.checkpoints." + SMALL_BACKBONE + "=" + checkpoint,
                "--fmplex.worker.memory-budget=" + smallBudget + "B");
        cluster.startWorker("--fmplex.worker.memory-budget=512MB");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close("ClusterLifecycleTest");
        }
    }

    @Test
    @Order(1)
    void vfmsPackOntoTheWorkersThatHostTheirBackboneAndNoBudgetIsExceeded() throws Exception {
        assertThat(api.backbones.listBackbones().collectList().block())
                .extracting(BackboneDescriptor::getName)
                .contains(BACKBONE, SMALL_BACKBONE);
        String smallAddress = addressHosting(SMALL_BACKBONE);
        String miniAddress = addressHosting(BACKBONE);

        List<String> small = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = classifier("small-" + i, SMALL_BACKBONE);
            VfmView uploaded =
                    api.upload(id, PeftFiles.loraClassifier(i, 2, 32, 32, 2), cluster.dir());
            assertThat(uploaded.getResidentBytes()).isEqualTo(SMALL_VFM_BYTES);
            small.add(id);
            assertWithinBudgets();
        }
        // A fourth does not fit the only worker hosting its backbone: refused, nothing stored.
        String overflow = classifier("small-overflow", SMALL_BACKBONE);
        assertThat(
                        FmplexApi.problemOf(
                                () ->
                                        api.upload(
                                                overflow,
                                                PeftFiles.loraClassifier(9, 2, 32, 32, 2),
                                                cluster.dir())))
                .isEqualTo("503 no-replica");
        assertThat(api.vfms.listVersions(overflow).collectList().block()).isEmpty();
        assertThat(api.get(overflow).getVersion()).isZero();
        assertWithinBudgets();

        List<String> mini = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mini.add(api.create("mini-" + i, BACKBONE, new EmbeddingTask()).getId());
        }
        List<PlacementView> placements = api.placements();
        for (String id : small) {
            assertThat(hostsOf(id, placements)).containsExactly(smallAddress);
            assertThat(api.infer(id, "a small backbone of its own").getOutputs()).hasSize(1);
        }
        for (String id : mini) {
            assertThat(hostsOf(id, placements)).containsExactly(miniAddress);
        }
        assertThat(hostsOf(overflow, placements)).isEmpty();
        // The dashboard's one-call listing asks each worker once; it must say what the per-vFM
        // stats say (each small vFM served once, on one replica; the mini ones never ran).
        Map<String, dev.fmplex.client.model.VfmStats> listed = new java.util.HashMap<>();
        api.vfms.getStats(null).block().getVfms().forEach(v -> listed.put(v.getVfm(), v));
        for (String id : small) {
            var one = api.vfms.getVfmStats(id).block();
            assertThat(listed.get(id).getCompletedRequests())
                    .isEqualTo(one.getCompletedRequests())
                    .isEqualTo(1);
            assertThat(listed.get(id).getReplicas()).isEqualTo(one.getReplicas()).isEqualTo(1);
            assertThat(listed.get(id).getTraffic().getRequests()).isEqualTo(1);
        }
        for (String id : mini) {
            assertThat(listed.get(id).getLoaded()).isTrue();
            assertThat(listed.get(id).getCompletedRequests()).isZero();
        }
        assertThat(listed.get(overflow).getLoaded()).isFalse();
        for (String id : small) {
            api.vfms.deleteVfm(id).block();
        }
        for (String id : mini) {
            api.vfms.deleteVfm(id).block();
        }
        api.vfms.deleteVfm(overflow).block();
    }

    @Test
    @Order(2)
    void badInputGetsPrecise4xxAndStoresNothing() {
        String target = classifier("bad-input-target", BACKBONE);
        api.upload(target, PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN), cluster.dir())
                .getVersion();
        Map<String, String> before = catalog();
        List<VersionView> versionsBefore = api.vfms.listVersions(target).collectList().block();

        assertThat(
                        FmplexApi.problemOf(
                                () ->
                                        api.create(
                                                "no-labels",
                                                BACKBONE,
                                                new ClassificationTask().labels(List.of()))))
                .isEqualTo("422 invalid-task");
        assertThat(
                        FmplexApi.problemOf(
                                () ->
                                        api.create(
                                                "nowhere",
                                                "no-such-backbone",
                                                new EmbeddingTask())))
                .isEqualTo("422 unknown-backbone");
        ApiCalls.expectProblem(
                ApiCalls.post(cluster.client(), "/vfms", "{\"name\":\"broken\","),
                400,
                "malformed-json",
                null);
        // An adapter for a 16-wide model, not this 384-wide one.
        assertThat(
                        FmplexApi.problemOf(
                                () ->
                                        api.upload(
                                                target,
                                                PeftFiles.loraClassifier(2, 2, 16),
                                                cluster.dir())))
                .isEqualTo("422 invalid-artifact");
        // 184 KB of prompt embeddings, over the 160 KB limit this control plane runs with.
        assertThat(
                        FmplexApi.problemOf(
                                () ->
                                        api.upload(
                                                target,
                                                PeftFiles.promptTuning(3, 120),
                                                cluster.dir())))
                .isEqualTo("413 request-too-large");
        assertThat(FmplexApi.problemOf(() -> api.vfms.resumeVfm(target).block()))
                .isEqualTo("409 invalid-transition");
        ApiCalls.expectProblem(
                cluster.client()
                        .patch()
                        .uri("/vfms/{id}", target)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"weight\":0}")
                        .exchange(),
                400,
                "invalid-request",
                "weight");

        assertThat(catalog()).as("the catalog after the refused calls").isEqualTo(before);
        assertThat(api.vfms.listVersions(target).collectList().block())
                .as("versions of the target")
                .isEqualTo(versionsBefore);
        assertThat(api.infer(target, "still serving").getVersion()).isEqualTo(1);
        api.vfms.deleteVfm(target).block();
    }

    @Test
    @Order(3)
    void aVfmCyclingThroughItsLifecycleTwentyTimesNeverDisturbsAnotherOnTheSameWorker()
            throws Exception {
        IndependentLifecycles.Steady steady =
                IndependentLifecycles.check(api, BACKBONE, 20, cluster.dir(), cluster::dumpThreads);
        api.vfms.deleteVfm(steady.id()).block();
    }

    @Test
    @Order(4)
    void aControlPlaneRestartOnTheSameDatabaseKeepsEveryVfmVersionChecksumAndWeight()
            throws Exception {
        String embedder = api.create("durable-embedder", BACKBONE, new EmbeddingTask()).getId();
        api.vfms.updateVfm(embedder, new UpdateVfmRequest().weight(2.5)).block();
        String tuned = classifier("durable-classifier", BACKBONE);
        api.upload(tuned, PeftFiles.loraClassifier(4, 2, PeftFiles.HIDDEN), cluster.dir());
        api.upload(tuned, PeftFiles.loraClassifier(5, 2, PeftFiles.HIDDEN), cluster.dir());
        String pausedOne = api.create("durable-paused", BACKBONE, new EmbeddingTask()).getId();
        api.vfms.pauseVfm(pausedOne).block();
        List<Double> embedding = firstEmbedding(embedder);
        Map<String, String> catalog = catalog();
        Map<String, List<VersionView>> versions = new TreeMap<>();
        for (String id : List.of(embedder, tuned, pausedOne)) {
            versions.put(id, api.vfms.listVersions(id).collectList().block());
        }

        cluster.stopControlPlane();
        cluster.startControlPlane();

        assertThat(catalog()).as("vFMs after the restart").isEqualTo(catalog);
        for (Map.Entry<String, List<VersionView>> entry : versions.entrySet()) {
            assertThat(api.vfms.listVersions(entry.getKey()).collectList().block())
                    .as("versions and checksums of " + entry.getKey())
                    .isEqualTo(entry.getValue());
        }
        assertThat(api.get(embedder).getWeight()).isEqualTo(2.5);
        await(
                () -> {
                    List<PlacementView> placements = api.placements();
                    return !hostsOf(embedder, placements).isEmpty()
                            && !hostsOf(tuned, placements).isEmpty();
                },
                Duration.ofSeconds(30),
                "the vFMs to be deployed again");
        assertThat(firstEmbedding(embedder)).isEqualTo(embedding);
        assertThat(api.infer(tuned, "after the restart").getVersion()).isEqualTo(2);
        assertThat(FmplexApi.problemOf(() -> api.infer(pausedOne, "x")))
                .isEqualTo("409 vfm-not-serving");
    }

    @Test
    @Order(5)
    void withoutAWorkerForItsBackboneAVfmIs503AndAWorkerThatJoinsGetsItBack() throws Exception {
        String id = api.create("rejoining", BACKBONE, new EmbeddingTask()).getId();
        List<Double> embedding = firstEmbedding(id);
        String miniAddress = addressHosting(BACKBONE);

        cluster.workerAt(miniAddress).process().destroyForcibly().waitFor();
        await(
                () ->
                        api.aliveWorkers().stream()
                                .noneMatch(w -> w.getAddress().equals(miniAddress)),
                Duration.ofSeconds(30),
                "the MiniLM worker to be declared dead");
        assertThat(FmplexApi.problemOf(() -> api.infer(id, "anyone?"))).isEqualTo("503 no-replica");
        assertThat(api.get(id).getState()).hasToString("ACTIVE");

        cluster.startWorker("--fmplex.worker.memory-budget=512MB");
        await(
                () -> !hostsOf(id, api.placements()).isEmpty(),
                Duration.ofSeconds(30),
                "the vFM to be placed on the worker that joined");
        assertThat(firstEmbedding(id)).isEqualTo(embedding);
        assertWithinBudgets();
    }

    private static String classifier(String name, String backbone) {
        return api.create(name, backbone, new ClassificationTask().labels(List.of("neg", "pos")))
                .getId();
    }

    /** Every vFM as a comparable line: what must survive refusals and restarts unchanged. */
    private static Map<String, String> catalog() {
        return api.list().stream()
                .collect(
                        Collectors.toMap(
                                VfmView::getId,
                                v ->
                                        v.getName()
                                                + " v"
                                                + v.getVersion()
                                                + " "
                                                + v.getState()
                                                + " weight "
                                                + v.getWeight()
                                                + " "
                                                + v.getTask(),
                                (a, b) -> a,
                                TreeMap::new));
    }

    @SuppressWarnings("unchecked")
    private static List<Double> firstEmbedding(String id) {
        Object output =
                api.infer(id, "FMplex keeps its catalog in PostgreSQL.").getOutputs().get(0);
        return ((dev.fmplex.client.model.InferResponseOutputsInner) output)
                .getEmbedding().stream().map(Float::doubleValue).toList();
    }

    private static String addressHosting(String backbone) {
        return api.aliveWorkers().stream()
                .filter(w -> w.getBackbones().contains(backbone))
                .map(WorkerView::getAddress)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no live worker hosts " + backbone));
    }

    private static List<String> hostsOf(String vfm, List<PlacementView> placements) {
        return placements.stream()
                .filter(p -> p.getVfm().equals(vfm))
                .map(PlacementView::getAddress)
                .toList();
    }

    @Test
    @Order(6)
    void aWorkerWithoutTheClusterSecretCannotJoinAndUnsignedRegistrationsAreRefused()
            throws Exception {
        int before = api.aliveWorkers().size();
        String registration =
                "{\"address\":\"http://127.0.0.1:1\",\"memoryBudgetBytes\":1000000,\"backbones\":[]}";
        ApiCalls.expectProblem(
                ApiCalls.post(
                        StandaloneServer.clientAt(cluster.baseUrl(), null),
                        "/workers",
                        registration),
                401,
                "unauthenticated",
                "Authorization");
        // Not even the platform admin's key registers a worker: only the cluster secret does.
        ApiCalls.expectProblem(
                ApiCalls.post(cluster.client(), "/workers", registration), 403, "forbidden", null);
        LocalCluster.Worker impostor =
                cluster.launchWorker("an-impostor-who-guessed-a-long-cluster-secret");
        await(
                () -> {
                    try {
                        return java.nio.file.Files.readString(impostor.log())
                                .contains("The control plane refused to register this worker");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                Duration.ofMinutes(2),
                "the impostor's registration to be refused");
        assertThat(api.aliveWorkers()).hasSize(before);
        impostor.process().destroyForcibly().waitFor();
    }

    private static void assertWithinBudgets() {
        for (WorkerView worker : api.aliveWorkers()) {
            assertThat(worker.getUsedBytes())
                    .as("used bytes of worker " + worker.getAddress())
                    .isLessThanOrEqualTo(worker.getMemoryBudgetBytes());
        }
    }
}
