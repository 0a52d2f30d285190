package dev.fmplex.control.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 of a key under the server's key-hash secret. Keys carry 256 random bits, so a fast
 * keyed hash is enough (a slow password hash would only add latency to every request); the secret
 * keeps a stolen table useless without the server's configuration.
 */
final class KeyHasher {

    /** Initialized once; every hash works on a clone, which skips the key setup per request. */
    private final Mac prototype;

    KeyHasher(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException(
                    "the key-hash secret must have at least 32 bytes, has " + secret.length);
        }
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is required of every JVM", e);
        }
    }

    byte[] hash(String key) {
        try {
            Mac mac = (Mac) prototype.clone();
            return mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JVM's HMAC-SHA-256 cannot be cloned", e);
        }
    }

    /** Whether {@code key} hashes to {@code stored}, compared in constant time. */
    boolean matches(String key, byte[] stored) {
        return MessageDigest.isEqual(hash(key), stored);
    }
}
