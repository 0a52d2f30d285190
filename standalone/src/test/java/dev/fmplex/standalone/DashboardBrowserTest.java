package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.upload;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against a real standalone server:
 * log in, see the bundled backbone, the in-process worker and created vFMs, steer a vFM from the
 * page (pause, resume, weight, upload, delete) and check each change through the API, see refused
 * actions' problem details, and watch live numbers move while a client sends load. Each view is
 * saved as a screenshot ({@code -Dfmplex.dashboard.screenshots=../docs/img} refreshes the
 * README's). The tests run in order on one server and one browser: each builds on the last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String KEY_STORAGE = "fmplex.dashboard.key";

    @TempDir static Path dataDir;
    @TempDir static Path scratch;

    private static StandaloneServer server;
    private static FmplexApi api;
    private static HeadlessChromium chromium;
    private static WebDriver driver;
    private static String classifier;
    private static String embedder;

    @BeforeAll
    static void start() {
        server = StandaloneServer.start(dataDir);
        api = server.api();
        chromium = HeadlessChromium.start(1280, 800);
        driver = chromium.driver();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    @Order(1)
    void thePageIsLockedDownAndItsDataNeedsAKey() {
        WebTestClient anonymous = StandaloneServer.clientAt(server.baseUrl(), null);
        String policy =
                anonymous
                        .get()
                        .uri("/dashboard")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .returnResult(String.class)
                        .getResponseHeaders()
                        .getFirst("Content-Security-Policy");
        assertThat(policy)
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        anonymous.get().uri("/stats").exchange().expectStatus().isUnauthorized();
        anonymous.get().uri("/workers").exchange().expectStatus().isUnauthorized();
    }

    @Test
    @Order(2)
    void aRefusedKeyShowsTheProblemAndTheAdminKeyLogsInWithTheKeyboard() {
        driver.get(server.baseUrl() + "/dashboard");
        waitUntil(d -> d.findElement(By.id("key")).equals(d.switchTo().activeElement()));
        chromium.screenshot("dashboard-login");
        driver.switchTo().activeElement().sendKeys("not-a-key", Keys.ENTER);
        waitUntil(d -> d.findElement(By.id("login-error")).isDisplayed());
        assertThat(text("#login-error")).contains("401").contains("unauthenticated");

        WebElement key = driver.findElement(By.id("key"));
        key.clear();
        key.sendKeys(server.adminKey(), Keys.ENTER);
        String backbone = "#backbones tr[data-backbone='" + BACKBONE + "']";
        waitUntil(d -> !d.findElements(By.cssSelector(backbone)).isEmpty());
        assertThat(text(backbone)).contains("bert", "text", "86.1 MiB", "in-process");
        assertThat(text("#workers tr[data-worker='in-process']"))
                .contains("ALIVE", BACKBONE, "/ 4.00 GiB");
        assertThat(text("#vfm-states")).contains("No vFMs yet");
        assertThat(driver.getCurrentUrl()).doesNotContain(server.adminKey());
        assertThat(chromium.script("return sessionStorage.getItem(arguments[0])", KEY_STORAGE))
                .isEqualTo(server.adminKey());
    }

    @Test
    @Order(3)
    void createdVfmsAppearInTheLiveTableWhichSortsAndFilters() {
        driver.get(server.baseUrl() + "/dashboard#/vfms");
        waitUntil(d -> !d.findElements(By.id("vfms-empty")).isEmpty());
        assertThat(text("#vfms-empty")).contains("POST", "/vfms");

        WebTestClient admin = server.client();
        classifier =
                createVfm(
                        admin,
                        "{\"name\":\"sentiment\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"classification\","
                                + "\"labels\":[\"neg\",\"pos\"]}}");
        upload(admin, classifier, PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN))
                .expectStatus()
                .isCreated();
        embedder =
                createVfm(
                        admin,
                        "{\"name\":\"docs-search\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\"}}");

        // No reload: the table picks them up on its next refresh.
        waitUntil(d -> d.findElements(By.cssSelector("#vfms tbody tr")).size() == 2);
        assertThat(text(row(classifier)))
                .contains("sentiment", "default", "classification", "ACTIVE");
        assertThat(text(row(embedder))).contains("docs-search", "embedding", "ACTIVE");
        assertThat(namesInOrder()).containsExactly("docs-search", "sentiment");
        driver.findElement(By.cssSelector("button[data-sort='name']")).sendKeys(Keys.ENTER);
        waitUntil(d -> namesInOrder().equals(List.of("sentiment", "docs-search")));

        driver.findElement(By.id("vfm-filter")).sendKeys("classif");
        waitUntil(d -> namesInOrder().equals(List.of("sentiment")));
        assertThat(text("#vfm-count")).isEqualTo("1 of 2");
        driver.findElement(By.id("vfm-filter"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        waitUntil(d -> namesInOrder().size() == 2);
    }

    @Test
    @Order(4)
    void pauseResumeAndWeightFromThePageChangeTheVfm() {
        driver.findElement(By.cssSelector(row(classifier) + " a")).click();
        waitUntil(d -> text("#vfm-name").equals("sentiment"));
        waitUntil(d -> text("#vfm-state").equals("ACTIVE"));

        driver.findElement(By.id("action-pause")).click();
        waitUntil(d -> text("#vfm-state").equals("PAUSED"));
        assertThat(vfm(classifier).get("state")).isEqualTo("PAUSED");
        assertThat(driver.findElement(By.id("action-pause")).isEnabled()).isFalse();

        driver.findElement(By.id("action-resume")).click();
        waitUntil(d -> text("#vfm-state").equals("ACTIVE"));
        assertThat(vfm(classifier).get("state")).isEqualTo("ACTIVE");

        setField("weight", "2.5");
        waitUntil(d -> text("#problem").contains("weight is 2.5"));
        assertThat(vfm(classifier).get("weight")).isEqualTo(2.5);
        waitUntil(d -> text("[data-fact='weight']").equals("2.5"));
        waitUntil(d -> text("#events").toLowerCase().contains("update"));
        assertThat(text("#events").toLowerCase()).contains("pause", "resume");
    }

    @Test
    @Order(5)
    void refusedActionsShowTheServersProblemDetail() {
        setField("weight", "5000");
        waitUntil(d -> text("#problem").contains("refused"));
        assertThat(text("#problem"))
                .contains("Change weight refused", "400", "weight", "1000", "invalid-request");
        assertThat(vfm(classifier).get("weight")).isEqualTo(2.5);

        // An adapter made for a 128-wide model: the worker refuses it, nothing is stored.
        uploadFromPage(PeftFiles.loraClassifier(2, 2, 128));
        waitUntil(d -> text("#problem").contains("Upload refused"));
        assertThat(text("#problem")).contains("422", "invalid-artifact", "files[");
        assertThat(vfm(classifier).get("version")).isEqualTo(1);
        chromium.script("document.getElementById('problem').scrollIntoView()");
        chromium.screenshot("dashboard-problem");
    }

    @Test
    @Order(6)
    void aVersionUploadedFromThePageServesAndShowsItsChecksums() throws Exception {
        Map<String, byte[]> files = PeftFiles.loraClassifier(3, 2, PeftFiles.HIDDEN);
        uploadFromPage(files);
        waitUntil(d -> text("#problem").contains("version 2 uploaded"));
        assertThat(vfm(classifier).get("version")).isEqualTo(2);
        waitUntil(d -> !d.findElements(By.cssSelector("#versions tr[data-version='2']")).isEmpty());
        String sha256 =
                HexFormat.of()
                        .formatHex(
                                MessageDigest.getInstance("SHA-256")
                                        .digest(files.get("adapter_model.safetensors")));
        assertThat(text("#versions tr[data-version='2']"))
                .contains("adapter_model.safetensors", sha256);
    }

    @Test
    @Order(7)
    @SuppressWarnings("unchecked")
    void historyStatsAndWorkersCountExactlyWhatWasServed() {
        for (int i = 0; i < 5; i++) {
            api.infer(classifier, "request " + i);
        }
        WebTestClient admin = server.client();
        ApiCalls.post(
                        admin,
                        "/infer",
                        "{\"vfms\":[\""
                                + classifier
                                + "\",\""
                                + embedder
                                + "\"],"
                                + "\"inputs\":[\"a\",\"b\"]}")
                .expectStatus()
                .isOk();
        String tooMany = "\"x\",".repeat(64) + "\"x\"";
        ApiCalls.post(admin, "/vfms/" + classifier + "/infer", "{\"inputs\":[" + tooMany + "]}")
                .expectStatus()
                .isEqualTo(413);

        Map<String, Object> history = get("/vfms/" + classifier + "/history");
        List<Map<String, Object>> points = (List<Map<String, Object>>) history.get("points");
        assertThat(points).hasSize(150);
        assertThat(sum(points, "requests")).isEqualTo(6);
        assertThat(sum(points, "rows")).isEqualTo(7);
        assertThat(sum(points, "invalid")).isEqualTo(1);
        assertThat(sum(points, "errors") + sum(points, "rejected") + sum(points, "timeouts"))
                .isZero();
        assertThat(
                        ((Map<String, Number>) history.get("batchTasks"))
                                .values().stream().mapToLong(Number::longValue).sum())
                .isEqualTo(6);

        Map<String, Object> stats = get("/stats");
        assertThat(((Map<String, Number>) stats.get("totals")).get("requests").longValue())
                .isEqualTo(7);
        Map<String, Object> mine =
                ((List<Map<String, Object>>) stats.get("vfms"))
                        .stream()
                                .filter(v -> classifier.equals(v.get("vfm")))
                                .findFirst()
                                .orElseThrow();
        assertThat(mine.get("replicas")).isEqualTo(1);
        assertThat(((Map<String, Number>) mine.get("traffic")).get("requests").longValue())
                .isEqualTo(6);
        assertThat(((Map<String, Object>) mine.get("traffic")).get("p99Ms")).isNotNull();

        assertThat(api.placements())
                .extracting(p -> p.getVfm())
                .containsExactlyInAnyOrder(classifier, embedder);
        assertThat(api.aliveWorkers())
                .singleElement()
                .satisfies(w -> assertThat(w.getPlacements()).isEqualTo(2));
        ApiCalls.expectProblem(
                admin.get().uri("/vfms/{id}/history", "no-such-vfm").exchange(),
                404,
                "unknown-vfm",
                "id");
    }

    private static long sum(List<Map<String, Object>> points, String field) {
        return points.stream().mapToLong(p -> ((Number) p.get(field)).longValue()).sum();
    }

    /** A GET that must answer 200, its JSON object as a map. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> get(String path) {
        return server.client()
                .get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    @Test
    @Order(8)
    void liveNumbersMoveUnderLoad() throws Exception {
        try (BackgroundLoad load = new BackgroundLoad(api, classifier, "a fine day", "awful")) {
            String rate = "[data-live='requestsPerSecond']";
            // Before the load the last minute holds the 6 requests of the test before (0.1/s).
            waitUntil(d -> perSecond(rate) > 1);
            String first = text(rate);
            waitUntil(d -> !text(rate).equals(first));
            waitUntil(d -> !text("[data-live='p50Ms']").equals("–"));
            assertThat(text("#batch-composition")).contains("1 vFM:");
            Object plotted =
                    chromium.script(
                            "return document.querySelectorAll('#chart-latency canvas,"
                                    + " #chart-throughput canvas, #chart-batch canvas').length");
            assertThat(plotted).isEqualTo(3L);
            chromium.script("window.scrollTo(0, 0)");
            chromium.screenshot("dashboard-vfm");
            chromium.script("document.getElementById('live-title').scrollIntoView()");
            chromium.screenshot("dashboard-vfm-charts");

            driver.findElement(By.cssSelector("#nav a[data-view='vfms']")).click();
            String rps = row(classifier) + " td[data-col='rps']";
            waitUntil(d -> !d.findElements(By.cssSelector(rps)).isEmpty() && perSecond(rps) > 1);
            chromium.screenshot("dashboard-vfms");

            driver.findElement(By.cssSelector("#nav a[data-view='overview']")).click();
            String total = "[data-total='requestsPerSecond']";
            waitUntil(
                    d -> !d.findElements(By.cssSelector(total)).isEmpty() && perSecond(total) > 1);
            assertThat(text("#vfm-states")).contains("2 vFMs", "2 ACTIVE");
            chromium.screenshot("dashboard-overview");
            assertThat(load.served()).isPositive();
            assertThat(load.failed()).isZero();
        }
    }

    @Test
    @Order(9)
    void placementsShowEachVfmOnTheInProcessWorker() {
        driver.findElement(By.cssSelector("#nav a[data-view='placements']")).click();
        waitUntil(d -> !d.findElements(By.cssSelector("#placements tr[data-vfm]")).isEmpty());
        String placed = "#placements tr[data-vfm='" + classifier + "']";
        assertThat(text(placed)).contains("sentiment", "in-process", "default");
        assertThat(text("#replica-summary")).contains("2 vFMs placed on 1 workers");
        chromium.screenshot("dashboard-placements");
    }

    @Test
    @Order(10)
    void aNarrowWindowScrollsTablesNotThePage() {
        driver.manage().window().setSize(new Dimension(420, 860));
        try {
            driver.get(server.baseUrl() + "/dashboard#/vfms");
            waitUntil(d -> d.findElements(By.cssSelector("#vfms tbody tr")).size() == 2);
            Object overflow =
                    chromium.script(
                            "return document.documentElement.scrollWidth - window.innerWidth");
            assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
            chromium.screenshot("dashboard-narrow");
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 800));
        }
    }

    @Test
    @Order(11)
    void deleteAsksFirstThenRemovesTheVfm() {
        driver.get(server.baseUrl() + "/dashboard#/vfms/" + embedder);
        waitUntil(d -> text("#vfm-name").equals("docs-search"));
        driver.findElement(By.id("action-delete")).click();
        waitUntil(d -> d.findElement(By.id("confirm")).isDisplayed());
        assertThat(text("#confirm-title")).isEqualTo("Delete docs-search?");
        driver.findElement(By.id("confirm-cancel")).click();
        waitUntil(d -> !d.findElement(By.id("confirm")).isDisplayed());
        assertThat(vfm(embedder).get("state")).isEqualTo("ACTIVE");

        driver.findElement(By.id("action-delete")).click();
        waitUntil(d -> d.findElement(By.id("confirm")).isDisplayed());
        driver.findElement(By.id("confirm-ok")).click();
        waitUntil(d -> d.getCurrentUrl().endsWith("#/vfms"));
        server.client().get().uri("/vfms/{id}", embedder).exchange().expectStatus().isNotFound();
        waitUntil(d -> d.findElements(By.cssSelector("#vfms tbody tr")).size() == 1);
    }

    @Test
    @Order(12)
    void aTenantAdminSeesOnlyItsTenantAndNoWorkers() {
        WebTestClient admin = server.client();
        ApiCalls.post(admin, "/tenants", "{\"name\":\"search-team\"}").expectStatus().isCreated();
        String teamKey =
                (String)
                        ApiCalls.post(
                                        admin,
                                        "/keys",
                                        "{\"name\":\"team\",\"scope\":\"tenant-admin\","
                                                + "\"tenant\":\"search-team\"}")
                                .expectStatus()
                                .isCreated()
                                .expectBody(Map.class)
                                .returnResult()
                                .getResponseBody()
                                .get("key");
        driver.findElement(By.id("logout")).click();
        waitUntil(d -> d.findElement(By.id("key")).isDisplayed());
        assertThat(chromium.script("return sessionStorage.getItem(arguments[0])", KEY_STORAGE))
                .isNull();
        driver.findElement(By.id("key")).sendKeys(teamKey, Keys.ENTER);
        // Back where the admin left off (the vFM list), now showing the team's: none yet.
        waitUntil(d -> !d.findElements(By.id("vfms-empty")).isEmpty());
        assertThat(
                        driver.findElement(By.cssSelector("#nav a[data-view='placements']"))
                                .isDisplayed())
                .isFalse();
        driver.findElement(By.cssSelector("#nav a[data-view='overview']")).click();
        waitUntil(
                d ->
                        !d.findElements(By.id("vfm-states")).isEmpty()
                                && text("#vfm-states").contains("No vFMs yet"));
        assertThat(text("#workers-title + *")).contains("admin keys only");
        assertThat(text("#backbones")).contains(BACKBONE);
    }

    @Test
    @Order(13)
    void nothingTheBrowserRanBrokeThePolicyOrThrew() {
        List<String> errors =
                chromium.consoleErrors().stream()
                        // The refused key's 401 and the refused actions are logged as failed loads.
                        .filter(message -> !message.contains("Failed to load resource"))
                        .toList();
        assertThat(errors).isEmpty();
    }

    private static void uploadFromPage(Map<String, byte[]> files) {
        try {
            Path dir = Files.createTempDirectory(scratch, "peft");
            StringBuilder paths = new StringBuilder();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path written = Files.write(dir.resolve(file.getKey()), file.getValue());
                paths.append(paths.isEmpty() ? "" : "\n").append(written.toAbsolutePath());
            }
            driver.findElement(By.id("upload-files")).sendKeys(paths.toString());
            waitUntil(d -> d.findElement(By.id("upload-submit")).isEnabled());
            driver.findElement(By.id("upload-submit")).click();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void setField(String id, String value) {
        WebElement field = driver.findElement(By.id(id));
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        field.sendKeys(value, Keys.ENTER);
    }

    /** The vFM as the API shows it now, to check what the page did. */
    private static Map<String, Object> vfm(String id) {
        return get("/vfms/" + id);
    }

    private static List<String> namesInOrder() {
        return driver.findElements(By.cssSelector("#vfms tbody td[data-col='name']")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** The number of a cell that reads like {@code 12.3 req/s}. */
    private static double perSecond(String css) {
        String shown = text(css);
        return shown.endsWith(" req/s") ? Double.parseDouble(shown.replace(" req/s", "")) : 0;
    }

    private static String row(String vfmId) {
        return "#vfms tr[data-vfm='" + vfmId + "']";
    }

    private static String text(String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }

    private static void waitUntil(Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, PATIENCE)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .until(condition::apply);
    }
}
