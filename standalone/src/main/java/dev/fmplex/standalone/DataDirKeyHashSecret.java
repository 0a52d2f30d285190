package dev.fmplex.standalone;

import dev.fmplex.control.security.KeyHashSecretSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.springframework.stereotype.Component;

/**
 * The standalone server's key-hash secret: 32 random bytes made on the first start and kept in
 * {@code <data-dir>/key-hash.secret} (mode 0600), beside the database whose key hashes it makes
 * meaningful.
 */
@Component
class DataDirKeyHashSecret implements KeyHashSecretSource {

    private final Path file;

    DataDirKeyHashSecret(StandaloneProperties properties) {
        this.file = properties.dataDir().resolve("key-hash.secret");
    }

    @Override
    public byte[] secret() {
        try {
            if (Files.exists(file)) {
                return Files.readAllBytes(file);
            }
            Files.createDirectories(file.getParent());
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Path partial = file.resolveSibling("key-hash.secret.partial");
            Files.deleteIfExists(partial);
            Files.createFile(
                    partial,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
            Files.write(partial, secret);
            // Renamed into place so a crash never leaves a short secret behind.
            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
