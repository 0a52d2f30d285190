package dev.fmplex.standalone;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven through its own chromedriver (no browser or driver download:
 * Selenium Manager never runs because both paths are given). A machine without them fails the test
 * that needs it with the command that installs them; {@code .ci/run} runs that command.
 */
final class HeadlessChromium implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("fmplex.test.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER =
            System.getProperty("fmplex.test.chromedriver", "/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static HeadlessChromium start(int width, int height) {
        for (String executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(Path.of(executable))) {
                throw new IllegalStateException(
                        executable
                                + " is missing: the dashboard's browser tests need Debian's"
                                + " chromium and chromium-driver (apt-get install -y chromium"
                                + " chromium-driver), or -Dfmplex.test.chromium and"
                                + " -Dfmplex.test.chromedriver naming another build");
            }
        }
        try {
            Path profile = Files.createTempDirectory("fmplex-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--hide-scrollbars",
                    "--window-size=" + width + "," + height,
                    "--user-data-dir=" + profile);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service =
                    new ChromeDriverService.Builder()
                            .usingDriverExecutable(new File(CHROMEDRIVER))
                            .usingAnyFreePort()
                            .build();
            return new HeadlessChromium(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    /** What the page wrote to the console (CSP violations, script errors) since the last call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    /**
     * Saves what the window shows as {@code target/dashboard-screenshots/<name>.png}, and also into
     * the directory {@code -Dfmplex.dashboard.screenshots} names (the README's {@code docs/img})
     * when it is set.
     */
    void screenshot(String name) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            Path dir = Files.createDirectories(Path.of("target", "dashboard-screenshots"));
            Files.write(dir.resolve(name + ".png"), png);
            String docs = System.getProperty("fmplex.dashboard.screenshots");
            if (docs != null && !docs.isBlank()) {
                Files.write(Files.createDirectories(Path.of(docs)).resolve(name + ".png"), png);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a script in the page and returns its result, as a number, string, list or map. */
    Object script(String source, Object... arguments) {
        return driver.executeScript(source, arguments);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .map(Path::toFile)
                        .forEach(File::delete);
            } catch (IOException e) {
                // a leftover temp profile is harmless
            }
        }
    }
}
