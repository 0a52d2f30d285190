package dev.fmplex.standalone;

import java.nio.file.Path;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A real standalone server (embedded PostgreSQL, bundled backbone, Netty) for one test class. */
final class StandaloneServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int port;
    private final String adminKey;

    private StandaloneServer(ConfigurableApplicationContext context, Path dataDir) {
        this.context = context;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
        this.adminKey = readAdminKey(dataDir);
    }

    /** The bootstrap admin key the server wrote on its first start, as a user reads it. */
    private static String readAdminKey(Path dataDir) {
        try {
            return java.nio.file.Files.readString(dataDir.resolve("admin.key")).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Starts on a free port with all persistent data under {@code dataDir}. Settings are passed as
     * command-line arguments, which outrank application.yml as they do for a user.
     */
    static StandaloneServer start(Path dataDir, String... extraArguments) {
        System.setProperty("ai.djl.offline", "true");
        String[] arguments = new String[extraArguments.length + 2];
        arguments[0] = "--server.port=0";
        arguments[1] = "--fmplex.standalone.data-dir=" + dataDir;
        System.arraycopy(extraArguments, 0, arguments, 2, extraArguments.length);
        return new StandaloneServer(
                new SpringApplicationBuilder(StandaloneApplication.class).run(arguments), dataDir);
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    /** The key of the platform admin, from {@code <data-dir>/admin.key}. */
    String adminKey() {
        return adminKey;
    }

    /** The generated API client bound to this server, as the admin. */
    FmplexApi api() {
        return FmplexApi.at(baseUrl(), adminKey);
    }

    /** A bean of the running application, for checks on how it was assembled. */
    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** A plain HTTP client sending the admin key. */
    WebTestClient client() {
        return clientAt(baseUrl(), adminKey);
    }

    /**
     * A plain HTTP client the tests use for any FMplex server, raw requests included.
     *
     * @param key the API key it sends as a bearer; null for none
     */
    static WebTestClient clientAt(String baseUrl, String key) {
        return WebTestClient.bindToServer()
                .baseUrl(baseUrl)
                .defaultHeaders(
                        headers -> {
                            if (key != null) {
                                headers.setBearerAuth(key);
                            }
                        })
                .responseTimeout(java.time.Duration.ofSeconds(60))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
    }

    @Override
    public void close() {
        context.close();
    }
}
