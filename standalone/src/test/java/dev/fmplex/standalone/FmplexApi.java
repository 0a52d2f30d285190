package dev.fmplex.standalone;

import dev.fmplex.client.ApiClient;
import dev.fmplex.client.api.BackbonesApi;
import dev.fmplex.client.api.ClusterApi;
import dev.fmplex.client.api.InferenceApi;
import dev.fmplex.client.api.VfmsApi;
import dev.fmplex.client.model.CreateVfmRequest;
import dev.fmplex.client.model.InferRequest;
import dev.fmplex.client.model.InferResponse;
import dev.fmplex.client.model.PlacementView;
import dev.fmplex.client.model.TaskSpec;
import dev.fmplex.client.model.VfmView;
import dev.fmplex.client.model.WorkerView;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The Java client generated from the committed {@code openapi/fmplex-api.yaml} (module {@code
 * openapi}), bound to one server: the integration tests call FMplex as a user's code would.
 */
final class FmplexApi {

    private static final Duration CALL_LIMIT = Duration.ofSeconds(60);

    final VfmsApi vfms;
    final InferenceApi inference;
    final ClusterApi cluster;
    final BackbonesApi backbones;

    private FmplexApi(ApiClient client) {
        this.vfms = new VfmsApi(client);
        this.inference = new InferenceApi(client);
        this.cluster = new ClusterApi(client);
        this.backbones = new BackbonesApi(client);
    }

    /** The client as the holder of {@code key} uses it. */
    static FmplexApi at(String baseUrl, String key) {
        ApiClient client = new ApiClient().setBasePath(baseUrl);
        client.setBearerToken(key);
        return new FmplexApi(client);
    }

    VfmView create(String name, String backbone, TaskSpec task) {
        return vfms.createVfm(new CreateVfmRequest().name(name).backbone(backbone).task(task))
                .block(CALL_LIMIT);
    }

    VfmView get(String id) {
        return vfms.getVfm(id).block(CALL_LIMIT);
    }

    List<VfmView> list() {
        return vfms.listVfms(null).collectList().block(CALL_LIMIT);
    }

    InferResponse infer(String id, String... texts) {
        return inference
                .infer(id, new InferRequest().inputs(new ArrayList<>(List.of((Object[]) texts))))
                .block(CALL_LIMIT);
    }

    /** Uploads {@code files} as one version; each travels under its own file name. */
    VfmView upload(String id, Map<String, byte[]> files, Path scratch) {
        try {
            Path dir = Files.createTempDirectory(scratch, "upload");
            List<File> parts = new ArrayList<>();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                parts.add(Files.write(dir.resolve(file.getKey()), file.getValue()).toFile());
            }
            return vfms.uploadVersion(id, parts).block(CALL_LIMIT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<PlacementView> placements() {
        return cluster.listPlacements().collectList().block(CALL_LIMIT);
    }

    List<WorkerView> aliveWorkers() {
        return cluster.listWorkers().collectList().block(CALL_LIMIT).stream()
                .filter(w -> "ALIVE".equals(w.getState()))
                .toList();
    }

    /**
     * The problem a call failed with: its status and the type URI's last segment, e.g. {@code 422
     * invalid-task}; fails the test if the call succeeded.
     */
    static String problemOf(Runnable call) {
        try {
            call.run();
        } catch (WebClientResponseException e) {
            String body = e.getResponseBodyAsString();
            String type = body.replaceAll("(?s).*\"type\"\\s*:\\s*\"[^\"]*/([^\"/]+)\".*", "$1");
            return e.getStatusCode().value() + " " + type;
        }
        throw new AssertionError("the call succeeded; a problem was expected");
    }
}
