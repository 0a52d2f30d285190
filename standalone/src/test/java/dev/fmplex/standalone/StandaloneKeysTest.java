package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * API keys on the real server: they survive a restart and the database holds only their keyed
 * hashes; per-key rate limits refuse the flooding key and no other; hostile credentials, tenant
 * names and file names get a precise 4xx and store nothing.
 */
class StandaloneKeysTest {

    @TempDir Path dataDir;

    @Test
    void keysSurviveARestartAndTheDatabaseHoldsOnlyTheirHashes() throws Exception {
        String key;
        String id;
        String vfm;
        Set<PosixFilePermission> adminKeyMode;
        try (StandaloneServer server = StandaloneServer.start(dataDir)) {
            adminKeyMode = Files.getPosixFilePermissions(dataDir.resolve("admin.key"));
            ApiCalls.post(server.client(), "/tenants", "{\"name\":\"acme\"}")
                    .expectStatus()
                    .isCreated();
            Map<String, Object> created =
                    created(
                            server.client(),
                            "{\"name\":\"svc\",\"scope\":\"tenant-admin\",\"tenant\":\"acme\"}");
            key = (String) created.get("key");
            id = (String) ((Map<?, ?>) created.get("metadata")).get("id");
            vfm = ApiCalls.createVfm(as(server, key), embedding("search"));
            infer(as(server, key), vfm).expectStatus().isOk();

            List<String> stored = everyStoredValue(server.bean(DataSource.class));
            String secretPart = key.substring(key.lastIndexOf('_') + 1);
            assertThat(stored)
                    .as("no column holds the key or its secret part")
                    .noneMatch(value -> value.contains(secretPart))
                    .noneMatch(value -> value.contains(server.adminKey().substring(17)));
            byte[] hash = keyHash(server.bean(DataSource.class), id);
            assertThat(hash).hasSize(32).isNotEqualTo(key.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(adminKeyMode)
                .containsExactlyInAnyOrder(
                        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String adminKeyBefore = Files.readString(dataDir.resolve("admin.key"));
        try (StandaloneServer server = StandaloneServer.start(dataDir)) {
            assertThat(Files.readString(dataDir.resolve("admin.key")))
                    .as("a restart keeps the admin key")
                    .isEqualTo(adminKeyBefore);
            infer(as(server, key), vfm).expectStatus().isOk();
            as(server, key)
                    .get()
                    .uri("/keys/{id}", id)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.lastUsedAt")
                    .isNotEmpty()
                    .jsonPath("$.key")
                    .doesNotExist();
            // Rotation: a new key works beside the old one until the old one is revoked.
            String next =
                    (String)
                            created(
                                            as(server, key),
                                            "{\"name\":\"svc-2\",\"scope\":\"tenant-admin\"}")
                                    .get("key");
            infer(as(server, next), vfm).expectStatus().isOk();
            infer(as(server, key), vfm).expectStatus().isOk();
            as(server, next).delete().uri("/keys/{id}", id).exchange().expectStatus().isOk();
            expectProblem(infer(as(server, key), vfm), 401, "unauthenticated", "Authorization")
                    .jsonPath("$.reason")
                    .isEqualTo("revoked");
            infer(as(server, next), vfm).expectStatus().isOk();
        }
    }

    @Test
    void aFloodingKeyGets429WithRetryAfterAndOtherKeysAreUnaffected() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(dataDir)) {
            WebTestClient admin = server.client();
            String vfm = ApiCalls.createVfm(admin, embedding("shared"));
            // One request per 10 s: the requests after the first cannot fit.
            String flooder =
                    (String)
                            created(
                                            admin,
                                            "{\"name\":\"flood\",\"scope\":\"infer\",\"tenant\":\"default\","
                                                    + "\"requestsPerSecond\":0.1}")
                                    .get("key");
            String calm =
                    (String)
                            created(
                                            admin,
                                            "{\"name\":\"calm\",\"scope\":\"infer\",\"tenant\":\"default\"}")
                                    .get("key");
            infer(as(server, flooder), vfm).expectStatus().isOk();
            int refused = 0;
            // Each refusal is answered after 1 s: four of them fit well inside the 10 s window.
            for (int i = 0; i < 4; i++) {
                WebTestClient.ResponseSpec flood = infer(as(server, flooder), vfm);
                String retryAfter =
                        expectProblem(flood, 429, "rate-limited", null)
                                .returnResult()
                                .getResponseHeaders()
                                .getFirst(HttpHeaders.RETRY_AFTER);
                assertThat(Integer.parseInt(retryAfter)).isBetween(1, 10);
                refused++;
                infer(as(server, calm), vfm).expectStatus().isOk();
            }
            assertThat(refused).isEqualTo(4);

            // Inputs per second: a request larger than the whole budget is told so.
            String narrow =
                    (String)
                            created(
                                            admin,
                                            "{\"name\":\"narrow\",\"scope\":\"infer\",\"tenant\":\"default\","
                                                    + "\"inputsPerSecond\":3}")
                                    .get("key");
            expectProblem(
                            ApiCalls.post(
                                    as(server, narrow),
                                    "/vfms/" + vfm + "/infer",
                                    "{\"inputs\":[\"a\",\"b\",\"c\",\"d\"]}"),
                            429,
                            "rate-limited",
                            "inputs")
                    .jsonPath("$.limit")
                    .isEqualTo(3);
        }
    }

    @Test
    void hostileCredentialsNamesAndFilesGetPrecise4xxAndStoreNothing() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(dataDir)) {
            WebTestClient raw = StandaloneServer.clientAt(server.baseUrl(), null);
            String vfm = ApiCalls.createVfm(server.client(), embedding("victim"));
            int keysBefore = count(server, "/keys");
            int tenantsBefore = count(server, "/tenants");
            Map<String, String> malformed =
                    Map.of(
                            "Basic dXNlcjpwYXNz",
                            "Bearer <key>",
                            "Bearer",
                            "Bearer <key>",
                            "Bearer fmp_short",
                            "not an FMplex API key",
                            "Bearer " + "x".repeat(400),
                            "at most 300",
                            "Bearer fmp_abc def ghi jkl mno pqr stu vwx yz1",
                            "not an FMplex API key");
            for (Map.Entry<String, String> header : malformed.entrySet()) {
                WebTestClient.ResponseSpec response =
                        raw.get()
                                .uri("/vfms")
                                .header(HttpHeaders.AUTHORIZATION, header.getKey())
                                .exchange();
                expectProblem(response, 401, "unauthenticated", "Authorization")
                        .jsonPath("$.reason")
                        .isEqualTo("malformed")
                        .jsonPath("$.detail")
                        .value(detail -> assertThat((String) detail).contains(header.getValue()));
                response.expectHeader()
                        .value(
                                HttpHeaders.WWW_AUTHENTICATE,
                                challenge ->
                                        assertThat(challenge).contains("error=\"invalid_token\""));
            }
            expectProblem(
                            raw.get()
                                    .uri("/vfms")
                                    .header(
                                            HttpHeaders.AUTHORIZATION,
                                            "Bearer " + server.adminKey(),
                                            "Bearer x")
                                    .exchange(),
                            401,
                            "unauthenticated",
                            "Authorization")
                    .jsonPath("$.detail")
                    .value(
                            detail ->
                                    assertThat((String) detail)
                                            .contains("one Authorization header"));
            for (String unknown :
                    List.of(
                            "fmp_aaaaaaaaaaaa_" + "A".repeat(43),
                            "../../etc/passwd/../../../../../x")) {
                expectProblem(
                                raw.get()
                                        .uri("/vfms")
                                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + unknown)
                                        .exchange(),
                                401,
                                "unauthenticated",
                                "Authorization")
                        .jsonPath("$.reason")
                        .isEqualTo("unknown");
            }

            for (String name :
                    List.of(
                            "../etc",
                            "Acme",
                            "a b",
                            "a".repeat(64),
                            "",
                            "x;drop table tenants",
                            "ü")) {
                expectProblem(
                        ApiCalls.post(server.client(), "/tenants", "{\"name\":\"" + name + "\"}"),
                        400,
                        "invalid-request",
                        "name");
            }
            expectProblem(
                    ApiCalls.post(server.client(), "/keys", "{\"name\":\"x\",\"scope\":\"root\"}"),
                    400,
                    "invalid-request",
                    "scope");
            expectProblem(
                    ApiCalls.post(
                            server.client(),
                            "/keys",
                            "{\"name\":\"bad\\u0000name\",\"scope\":\"infer\",\"tenant\":\"default\"}"),
                    400,
                    "invalid-request",
                    "name");
            expectProblem(
                    ApiCalls.post(
                            server.client(),
                            "/keys",
                            "{\"name\":\"x\",\"scope\":\"infer\",\"tenant\":\"default\","
                                    + "\"expiresAt\":\"2001-01-01T00:00:00Z\"}"),
                    400,
                    "invalid-request",
                    "expiresAt");
            expectProblem(
                    ApiCalls.post(
                            server.client(),
                            "/keys",
                            "{\"name\":\"x\",\"scope\":\"infer\",\"tenant\":\"default\","
                                    + "\"vfms\":[\"00000000-0000-0000-0000-000000000000\"]}"),
                    404,
                    "unknown-vfm",
                    "vfms[0]");
            expectProblem(
                    ApiCalls.post(
                            server.client(),
                            "/keys",
                            "{\"name\":\"x\",\"scope\":\"infer\",\"tenant\":\"nope\"}"),
                    404,
                    "unknown-tenant",
                    "tenant");
            for (String file :
                    List.of("../adapter_config.json", "dir/adapter_config.json", "..", "a\\b")) {
                expectProblem(
                        ApiCalls.upload(
                                server.client(),
                                vfm,
                                Map.of(file, "{}".getBytes(StandardCharsets.UTF_8))),
                        400,
                        "invalid-request",
                        "files");
            }
            assertThat(count(server, "/keys")).as("no key stored").isEqualTo(keysBefore);
            assertThat(count(server, "/tenants")).as("no tenant stored").isEqualTo(tenantsBefore);
            server.client()
                    .get()
                    .uri("/vfms/{id}/versions", vfm)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.length()")
                    .isEqualTo(1);
            infer(server.client(), vfm).expectStatus().isOk();
        }
    }

    private static String embedding(String name) {
        return "{\"name\":\""
                + name
                + "\",\"backbone\":\""
                + BACKBONE
                + "\",\"task\":{\"kind\":\"embedding\"}}";
    }

    private static WebTestClient as(StandaloneServer server, String key) {
        return StandaloneServer.clientAt(server.baseUrl(), key);
    }

    private static WebTestClient.ResponseSpec infer(WebTestClient client, String vfm) {
        return client.post()
                .uri("/vfms/{id}/infer", vfm)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"inputs\":[\"hello\"]}")
                .exchange();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> created(WebTestClient client, String body) {
        return ApiCalls.post(client, "/keys", body)
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    private static int count(StandaloneServer server, String path) {
        return server.client()
                .get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(List.class)
                .returnResult()
                .getResponseBody()
                .size();
    }

    /** Every value of every column of every key, as text. */
    private static List<String> everyStoredValue(DataSource database) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select * from api_keys")) {
            ResultSetMetaData columns = rows.getMetaData();
            while (rows.next()) {
                for (int c = 1; c <= columns.getColumnCount(); c++) {
                    byte[] bytes = rows.getBytes(c);
                    if (bytes != null) {
                        values.add(new String(bytes, StandardCharsets.ISO_8859_1));
                        values.add(String.valueOf(rows.getString(c)));
                    }
                }
            }
        }
        assertThat(values).as("the table was read").isNotEmpty();
        return values;
    }

    private static byte[] keyHash(DataSource database, String id) throws SQLException {
        try (Connection connection = database.getConnection();
                var statement =
                        connection.prepareStatement("select key_hash from api_keys where id = ?")) {
            statement.setString(1, id);
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getBytes(1);
            }
        }
    }
}
