package dev.fmplex.control.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The first admin key, so a new server is usable and never open. {@code FMPLEX_ADMIN_KEY} sets it
 * (again on every start); otherwise, when no usable admin key exists, one is generated and written
 * to {@code fmplex.security.admin-key-file} with mode 0600. The log says where the key is, never
 * the key, except when there is no file to write it to.
 */
@Component
class AdminKeyBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminKeyBootstrap.class);

    private final ApiKeyRepository keys;
    private final KeyHasher hasher;
    private final SecurityProperties properties;
    private final Clock clock = Clock.systemUTC();

    AdminKeyBootstrap(ApiKeyRepository keys, KeyHasher hasher, SecurityProperties properties) {
        this.keys = keys;
        this.hasher = hasher;
        this.properties = properties;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments arguments) {
        if (!properties.enabled()) {
            log.warn(
                    "fmplex.security.enabled=false: EVERY REQUEST ACTS AS THE PLATFORM ADMIN. This"
                            + " setting exists for benchmarks only; never expose such a server.");
            // The admin key is still made, so the same data directory is ready when security is on.
        }
        if (properties.hasAdminKey()) {
            adopt(properties.adminKey());
            return;
        }
        if (keys.countUsableAdminKeys(clock.instant()) > 0) {
            if (properties.adminKeyFile() != null && Files.exists(properties.adminKeyFile())) {
                log.info("Admin key: in {}", properties.adminKeyFile());
            }
            return;
        }
        String key = KeyFormat.generate();
        keys.save(admin(KeyFormat.idOf(key), key));
        Path file = properties.adminKeyFile();
        if (file == null) {
            log.warn(
                    "Created the bootstrap admin key {}; it is shown only now, store it: {}",
                    KeyFormat.idOf(key),
                    key);
            return;
        }
        write(file, key);
        log.info(
                "Created the bootstrap admin key {} and wrote it to {} (readable only by this user);"
                        + " send it as 'Authorization: Bearer <key>'",
                KeyFormat.idOf(key),
                file);
    }

    /** The operator's key, stored (or its hash updated) under its id. */
    private void adopt(String key) {
        String id = KeyFormat.idOf(key);
        byte[] hash = hasher.hash(key);
        keys.findById(id)
                .ifPresentOrElse(
                        existing -> existing.replaceHash(hash), () -> keys.save(admin(id, key)));
        log.info("Admin key {}: set by FMPLEX_ADMIN_KEY (fmplex.security.admin-key)", id);
    }

    private ApiKeyEntity admin(String id, String key) {
        return new ApiKeyEntity(
                id,
                "bootstrap admin key",
                Scope.ADMIN,
                null,
                null,
                hasher.hash(key),
                null,
                null,
                null,
                null,
                clock.instant());
    }

    private static void write(Path file, String key) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.deleteIfExists(file);
            try {
                Files.createFile(
                        file,
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, key + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException raced) {
            throw new IllegalStateException("another process is writing " + file, raced);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin key to " + file, e);
        }
    }
}
