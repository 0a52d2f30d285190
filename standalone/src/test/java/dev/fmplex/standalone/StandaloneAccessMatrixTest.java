package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Every endpoint of the standalone server against every kind of credential, over real HTTP on the
 * real server: exactly the expected status in each cell, and no call of one tenant's key that
 * reaches another tenant's vFM or key. The counts are printed.
 */
class StandaloneAccessMatrixTest {

    /** The credentials of the matrix, in the order its columns print. */
    enum Credential {
        NONE,
        MALFORMED,
        REVOKED,
        EXPIRED,
        INFER_A,
        INFER_ONE_VFM,
        TENANT_ADMIN_A,
        TENANT_ADMIN_B,
        METRICS,
        ADMIN
    }

    /**
     * One endpoint: how to call it with a client, and what each credential that passes
     * authentication must get (the four refused credentials always get 401).
     */
    private record Endpoint(
            String name,
            Function<WebTestClient, Integer> call,
            Map<Credential, Integer> expected) {}

    @TempDir static Path dataDir;
    private static StandaloneServer server;
    private static final Map<Credential, String> keys = new EnumMap<>(Credential.class);
    private static String target;
    private static String listed;
    private static String keyOfA;
    private static final AtomicInteger unique = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = StandaloneServer.start(dataDir);
        WebTestClient admin = server.client();
        post(admin, "/tenants", "{\"name\":\"a\"}", 201);
        post(admin, "/tenants", "{\"name\":\"b\"}", 201);
        keys.put(Credential.ADMIN, server.adminKey());
        keys.put(Credential.MALFORMED, "not a key!");
        keys.put(Credential.TENANT_ADMIN_A, key(admin, "tenant-admin", "a", null, null));
        keys.put(Credential.TENANT_ADMIN_B, key(admin, "tenant-admin", "b", null, null));
        keys.put(Credential.INFER_A, key(admin, "infer", "a", null, null));
        keys.put(Credential.METRICS, key(admin, "metrics", null, null, null));
        WebTestClient tenantAdminA = as(Credential.TENANT_ADMIN_A);
        target = vfm(tenantAdminA, "target");
        listed = vfm(tenantAdminA, "listed");
        keys.put(Credential.INFER_ONE_VFM, key(admin, "infer", "a", listed, null));
        String revoked = key(admin, "infer", "a", null, null);
        keys.put(Credential.REVOKED, revoked);
        admin.delete().uri("/keys/{id}", revoked.substring(4, 16)).exchange().expectStatus().isOk();
        String expiring = key(admin, "infer", "a", null, Instant.now().plusMillis(1500));
        keys.put(Credential.EXPIRED, expiring);
        keyOfA = keys.get(Credential.INFER_A).substring(4, 16);
        // The key expires on its own; wait for that, not for a guessed time.
        LocalCluster.await(
                () -> status(as(Credential.EXPIRED), HttpMethod.POST, infer(target), INPUT) == 401,
                Duration.ofSeconds(30),
                "the expiring key to expire");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static final String INPUT = "{\"inputs\":[\"hello\"]}";

    private static String infer(String id) {
        return "/vfms/" + id + "/infer";
    }

    @Test
    void everyEndpointAnswersEachCredentialExactlyAsExpected() {
        List<Endpoint> endpoints = endpoints();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        int cells = 0;
        int crossTenantSuccesses = 0;
        for (Endpoint endpoint : endpoints) {
            for (Credential credential : Credential.values()) {
                int expected = expected(endpoint, credential);
                int actual = endpoint.call().apply(as(credential));
                cells++;
                byStatus.merge(actual, 1, Integer::sum);
                if (actual != expected) {
                    mismatches.add(
                            endpoint.name()
                                    + " x "
                                    + credential
                                    + ": "
                                    + actual
                                    + ", expected "
                                    + expected);
                }
                if (expected == 404 && actual / 100 == 2) {
                    crossTenantSuccesses++;
                }
            }
        }
        // A listing must not show another tenant's vFMs or keys either.
        crossTenantSuccesses += leaks(Credential.TENANT_ADMIN_B, "/vfms", target);
        crossTenantSuccesses += leaks(Credential.TENANT_ADMIN_B, "/stats", target);
        crossTenantSuccesses += leaks(Credential.TENANT_ADMIN_B, "/keys", keyOfA);
        System.out.printf(
                "Access matrix: %d endpoints x %d credentials = %d cells; statuses %s; %d"
                        + " mismatches; %d cross-tenant successes%n",
                endpoints.size(),
                Credential.values().length,
                cells,
                byStatus,
                mismatches.size(),
                crossTenantSuccesses);
        assertThat(mismatches).isEmpty();
        assertThat(crossTenantSuccesses).isZero();
        assertThat(leaks(Credential.ADMIN, "/vfms", target))
                .as("the check for leaks sees what it looks for")
                .isEqualTo(1);
    }

    /** 1 if {@code credential}'s listing at {@code path} mentions {@code id}, else 0. */
    private static int leaks(Credential credential, String path, String id) {
        String body =
                as(credential)
                        .get()
                        .uri(path)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody();
        return body.contains(id) ? 1 : 0;
    }

    private static int expected(Endpoint endpoint, Credential credential) {
        if (endpoint.name().equals("GET /actuator/health")) {
            return 200;
        }
        if (STATIC.contains(endpoint.name())) {
            return switch (credential) {
                case MALFORMED, REVOKED, EXPIRED -> 401;
                default -> 200;
            };
        }
        return switch (credential) {
            case NONE, MALFORMED, REVOKED, EXPIRED -> 401;
            default -> endpoint.expected().getOrDefault(credential, 403);
        };
    }

    /**
     * The dashboard's static files: open without a key (a browser sends none for a script), and
     * like every endpoint but health, a key that is presented must be valid.
     */
    private static final Set<String> STATIC =
            Set.of(
                    "GET /dashboard",
                    "GET /dashboard/js/app.js",
                    "GET /webjars/uplot/dist/uPlot.esm.js");

    private static List<Endpoint> endpoints() {
        List<Endpoint> all = new ArrayList<>();
        Map<Credential, Integer> adminOnly = Map.of(Credential.ADMIN, 200);
        Map<Credential, Integer> managers =
                Map.of(
                        Credential.ADMIN,
                        200,
                        Credential.TENANT_ADMIN_A,
                        200,
                        Credential.TENANT_ADMIN_B,
                        200);
        // Tenant a's vFM: its managers see it, tenant b's does not know it exists.
        Map<Credential, Integer> ofTenantA =
                Map.of(
                        Credential.ADMIN,
                        200,
                        Credential.TENANT_ADMIN_A,
                        200,
                        Credential.TENANT_ADMIN_B,
                        404);
        all.add(
                endpoint(
                        "GET /actuator/health",
                        c -> status(c, HttpMethod.GET, "/actuator/health", null),
                        Map.of()));
        for (String open :
                List.of("/dashboard", "/dashboard/js/app.js", "/webjars/uplot/dist/uPlot.esm.js")) {
            all.add(endpoint("GET " + open, c -> status(c, HttpMethod.GET, open, null), Map.of()));
        }
        all.add(endpoint("GET /stats", c -> status(c, HttpMethod.GET, "/stats", null), managers));
        // No such job: the managers learn that, the other scopes do not reach the route at all.
        all.add(
                endpoint(
                        "GET /training-jobs/{id}",
                        c ->
                                status(
                                        c,
                                        HttpMethod.GET,
                                        "/training-jobs/" + java.util.UUID.randomUUID(),
                                        null),
                        Map.of(
                                Credential.ADMIN,
                                404,
                                Credential.TENANT_ADMIN_A,
                                404,
                                Credential.TENANT_ADMIN_B,
                                404)));
        all.add(
                endpoint(
                        "GET /training-jobs/{id}/events",
                        c ->
                                status(
                                        c,
                                        HttpMethod.GET,
                                        "/training-jobs/" + java.util.UUID.randomUUID() + "/events",
                                        null),
                        Map.of(
                                Credential.ADMIN,
                                404,
                                Credential.TENANT_ADMIN_A,
                                404,
                                Credential.TENANT_ADMIN_B,
                                404)));
        for (String cluster : List.of("/workers", "/placements")) {
            all.add(
                    endpoint(
                            "GET " + cluster,
                            c -> status(c, HttpMethod.GET, cluster, null),
                            adminOnly));
        }
        all.add(
                endpoint(
                        "GET /actuator/prometheus",
                        c -> status(c, HttpMethod.GET, "/actuator/prometheus", null),
                        Map.of(Credential.ADMIN, 200, Credential.METRICS, 200)));
        all.add(
                endpoint(
                        "GET /v3/api-docs",
                        c -> status(c, HttpMethod.GET, "/v3/api-docs", null),
                        Map.of(
                                Credential.ADMIN, 200,
                                Credential.TENANT_ADMIN_A, 200,
                                Credential.TENANT_ADMIN_B, 200,
                                Credential.INFER_A, 200,
                                Credential.INFER_ONE_VFM, 200)));
        // Swagger UI's own webjar stays behind a key: only the dashboard's chart library is open.
        all.add(
                endpoint(
                        "GET /webjars/swagger-ui/index.html",
                        c -> status(c, HttpMethod.GET, "/webjars/swagger-ui/index.html", null),
                        Map.of(
                                Credential.ADMIN, 200,
                                Credential.TENANT_ADMIN_A, 200,
                                Credential.TENANT_ADMIN_B, 200,
                                Credential.INFER_A, 200,
                                Credential.INFER_ONE_VFM, 200)));
        all.add(
                endpoint(
                        "GET /backbones",
                        c -> status(c, HttpMethod.GET, "/backbones", null),
                        managers));
        all.add(
                endpoint(
                        "POST /vfms (own tenant)",
                        c -> status(c, HttpMethod.POST, "/vfms", vfmBody(null)),
                        Map.of(
                                Credential.ADMIN,
                                201,
                                Credential.TENANT_ADMIN_A,
                                201,
                                Credential.TENANT_ADMIN_B,
                                201)));
        all.add(
                endpoint(
                        "POST /vfms (tenant a)",
                        c -> status(c, HttpMethod.POST, "/vfms", vfmBody("a")),
                        Map.of(Credential.ADMIN, 201, Credential.TENANT_ADMIN_A, 201)));
        all.add(endpoint("GET /vfms", c -> status(c, HttpMethod.GET, "/vfms", null), managers));
        all.add(
                endpoint(
                        "GET /vfms/{id}",
                        c -> status(c, HttpMethod.GET, "/vfms/" + target, null),
                        ofTenantA));
        for (String part : List.of("versions", "events", "stats", "history", "training-jobs")) {
            all.add(
                    endpoint(
                            "GET /vfms/{id}/" + part,
                            c -> status(c, HttpMethod.GET, "/vfms/" + target + "/" + part, null),
                            ofTenantA));
        }
        // The target has no version: its managers learn that, tenant b not even that it exists.
        all.add(
                endpoint(
                        "GET /vfms/{id}/versions/{v}/files/{name}",
                        c ->
                                status(
                                        c,
                                        HttpMethod.GET,
                                        "/vfms/" + target + "/versions/1/files/head.safetensors",
                                        null),
                        Map.of(
                                Credential.ADMIN,
                                404,
                                Credential.TENANT_ADMIN_A,
                                404,
                                Credential.TENANT_ADMIN_B,
                                404)));
        // An embedding vFM has no head to train: refused for its managers, unknown to others.
        all.add(
                endpoint(
                        "POST /vfms/{id}/training-jobs",
                        c ->
                                status(
                                        c,
                                        HttpMethod.POST,
                                        "/vfms/" + target + "/training-jobs",
                                        "{\"examples\":[{\"input\":\"a\",\"label\":\"x\"}]}"),
                        Map.of(
                                Credential.ADMIN,
                                422,
                                Credential.TENANT_ADMIN_A,
                                422,
                                Credential.TENANT_ADMIN_B,
                                404)));
        all.add(
                endpoint(
                        "PATCH /vfms/{id}",
                        c -> status(c, HttpMethod.PATCH, "/vfms/" + freshVfm(), "{\"weight\":2}"),
                        ofTenantA));
        all.add(
                endpoint(
                        "POST /vfms/{id}/pause",
                        c -> status(c, HttpMethod.POST, "/vfms/" + freshVfm() + "/pause", null),
                        ofTenantA));
        all.add(
                endpoint(
                        "POST /vfms/{id}/resume (not paused)",
                        c -> status(c, HttpMethod.POST, "/vfms/" + target + "/resume", null),
                        Map.of(
                                Credential.ADMIN,
                                409,
                                Credential.TENANT_ADMIN_A,
                                409,
                                Credential.TENANT_ADMIN_B,
                                404)));
        all.add(
                endpoint(
                        "DELETE /vfms/{id}",
                        c -> status(c, HttpMethod.DELETE, "/vfms/" + freshVfm(), null),
                        ofTenantA));
        all.add(
                endpoint(
                        "POST /vfms/{id}/infer",
                        c -> status(c, HttpMethod.POST, infer(target), INPUT),
                        Map.of(
                                Credential.ADMIN, 200,
                                Credential.TENANT_ADMIN_A, 200,
                                Credential.INFER_A, 200,
                                Credential.INFER_ONE_VFM, 404,
                                Credential.TENANT_ADMIN_B, 404)));
        all.add(
                endpoint(
                        "POST /vfms/{listed}/infer",
                        c -> status(c, HttpMethod.POST, infer(listed), INPUT),
                        Map.of(
                                Credential.ADMIN, 200,
                                Credential.TENANT_ADMIN_A, 200,
                                Credential.INFER_A, 200,
                                Credential.INFER_ONE_VFM, 200,
                                Credential.TENANT_ADMIN_B, 404)));
        all.add(
                endpoint(
                        "POST /infer",
                        c ->
                                status(
                                        c,
                                        HttpMethod.POST,
                                        "/infer",
                                        "{\"vfms\":[\"" + target + "\"],\"inputs\":[\"hello\"]}"),
                        Map.of(
                                Credential.ADMIN, 200,
                                Credential.TENANT_ADMIN_A, 200,
                                Credential.INFER_A, 200,
                                Credential.INFER_ONE_VFM, 404,
                                Credential.TENANT_ADMIN_B, 404)));
        all.add(
                endpoint(
                        "GET /tenants",
                        c -> status(c, HttpMethod.GET, "/tenants", null),
                        adminOnly));
        all.add(
                endpoint(
                        "POST /tenants",
                        c ->
                                status(
                                        c,
                                        HttpMethod.POST,
                                        "/tenants",
                                        "{\"name\":\"t" + unique.incrementAndGet() + "\"}"),
                        Map.of(Credential.ADMIN, 201)));
        all.add(
                endpoint(
                        "GET /tenants/{name}",
                        c -> status(c, HttpMethod.GET, "/tenants/a", null),
                        adminOnly));
        all.add(
                endpoint(
                        "PATCH /tenants/{name}",
                        c -> status(c, HttpMethod.PATCH, "/tenants/a", "{\"requestsPerSecond\":0}"),
                        adminOnly));
        all.add(endpoint("GET /keys", c -> status(c, HttpMethod.GET, "/keys", null), managers));
        all.add(
                endpoint(
                        "POST /keys (tenant a)",
                        c ->
                                status(
                                        c,
                                        HttpMethod.POST,
                                        "/keys",
                                        "{\"name\":\"k\",\"scope\":\"infer\",\"tenant\":\"a\"}"),
                        Map.of(Credential.ADMIN, 201, Credential.TENANT_ADMIN_A, 201)));
        all.add(
                endpoint(
                        "POST /keys (admin scope)",
                        c ->
                                status(
                                        c,
                                        HttpMethod.POST,
                                        "/keys",
                                        "{\"name\":\"k\",\"scope\":\"admin\"}"),
                        Map.of(Credential.ADMIN, 201)));
        all.add(
                endpoint(
                        "GET /keys/{id of a}",
                        c -> status(c, HttpMethod.GET, "/keys/" + keyOfA, null),
                        ofTenantA));
        all.add(
                endpoint(
                        "DELETE /keys/{id of a}",
                        c -> status(c, HttpMethod.DELETE, "/keys/" + freshKeyIdOfA(), null),
                        ofTenantA));
        all.add(endpoint("GET /audit", c -> status(c, HttpMethod.GET, "/audit", null), adminOnly));
        return all;
    }

    private static Endpoint endpoint(
            String name, Function<WebTestClient, Integer> call, Map<Credential, Integer> expected) {
        return new Endpoint(name, call, expected);
    }

    private static String vfmBody(String tenant) {
        return "{\"name\":\"v"
                + unique.incrementAndGet()
                + "\",\"backbone\":\""
                + BACKBONE
                + "\",\"task\":{\"kind\":\"embedding\"}"
                + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"")
                + "}";
    }

    /** A new vFM of tenant a, for a cell whose call may change or delete it. */
    private static String freshVfm() {
        return vfm(as(Credential.TENANT_ADMIN_A), "fresh-" + unique.incrementAndGet());
    }

    private static String freshKeyIdOfA() {
        return key(server.client(), "infer", "a", null, null).substring(4, 16);
    }

    private static WebTestClient as(Credential credential) {
        return StandaloneServer.clientAt(server.baseUrl(), keys.get(credential));
    }

    private static int status(WebTestClient client, HttpMethod method, String uri, String json) {
        WebTestClient.RequestBodySpec request = client.method(method).uri(uri);
        EntityExchangeResult<byte[]> result =
                (json == null
                                ? request.exchange()
                                : request.contentType(MediaType.APPLICATION_JSON)
                                        .bodyValue(json)
                                        .exchange())
                        .expectBody()
                        .returnResult();
        return result.getStatus().value();
    }

    private static String vfm(WebTestClient client, String name) {
        return (String)
                post(
                                client,
                                "/vfms",
                                "{\"name\":\""
                                        + name
                                        + "\",\"backbone\":\""
                                        + BACKBONE
                                        + "\",\"task\":{\"kind\":\"embedding\"}}",
                                201)
                        .get("id");
    }

    /** A new key; returns the key itself. */
    @SuppressWarnings("unchecked")
    private static String key(
            WebTestClient client, String scope, String tenant, String onlyVfm, Instant expiresAt) {
        String body =
                "{\"name\":\"matrix\",\"scope\":\""
                        + scope
                        + "\""
                        + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"")
                        + (onlyVfm == null ? "" : ",\"vfms\":[\"" + onlyVfm + "\"]")
                        + (expiresAt == null ? "" : ",\"expiresAt\":\"" + expiresAt + "\"")
                        + "}";
        return (String) post(client, "/keys", body, 201).get("key");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> post(
            WebTestClient client, String uri, String json, int status) {
        return ApiCalls.post(client, uri, json)
                .expectStatus()
                .isEqualTo(status)
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }
}
