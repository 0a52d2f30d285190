package dev.fmplex.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The API key a benchmark sends to a server it did not start: {@code FMPLEX_API_KEY}, else the
 * admin key a standalone server wrote to its data directory ({@code FMPLEX_DATA_DIR}, default
 * {@code ~/.fmplex/standalone}).
 */
public final class ApiKeyFile {

    private ApiKeyFile() {}

    public static String key() {
        String key = System.getenv("FMPLEX_API_KEY");
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        String dataDir = System.getenv("FMPLEX_DATA_DIR");
        return read(
                dataDir != null
                        ? Path.of(dataDir)
                        : Path.of(System.getProperty("user.home"), ".fmplex", "standalone"));
    }

    /** The admin key in {@code <dataDir>/admin.key}. */
    public static String read(Path dataDir) {
        Path file = dataDir.resolve("admin.key");
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "no API key: set FMPLEX_API_KEY or start the server with its data in "
                            + dataDir,
                    e);
        }
    }
}
