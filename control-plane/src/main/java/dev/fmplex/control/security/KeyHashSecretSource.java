package dev.fmplex.control.security;

/**
 * Where the secret that API keys are hashed under comes from when {@code
 * fmplex.security.key-hash-secret} is not set: the standalone server keeps one in its data
 * directory. Without either, the control plane derives it from the cluster secret.
 */
public interface KeyHashSecretSource {

    /** At least 32 bytes, the same on every start. */
    byte[] secret();
}
