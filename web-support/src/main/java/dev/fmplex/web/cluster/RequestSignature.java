package dev.fmplex.web.cluster;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies calls between the control plane and workers: {@code X-FMplex-Signature:
 * t=<epoch ms>;s=<base64url HMAC-SHA-256>} over {@code v1}, the method, the raw path with query and
 * the time. A signature older or newer than the allowed clock skew is refused, which bounds replay
 * to that window.
 */
public final class RequestSignature {

    /** The header that carries the signature. */
    public static final String HEADER = "X-FMplex-Signature";

    private static final Pattern FORMAT = Pattern.compile("t=(\\d{1,15});s=([A-Za-z0-9_-]{43})");
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final long maxSkewMs;
    private final Clock clock;

    RequestSignature(String secret, Duration maxClockSkew) {
        this(secret, maxClockSkew, Clock.systemUTC());
    }

    RequestSignature(String secret, Duration maxClockSkew, Clock clock) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.maxSkewMs = maxClockSkew.toMillis();
        this.clock = clock;
    }

    /** The header value for a request made now. */
    public String sign(String method, String pathAndQuery) {
        long now = clock.millis();
        return "t=" + now + ";s=" + mac(method, pathAndQuery, now);
    }

    /** Why a signature is not accepted, or null when it is. */
    public String reject(String header, String method, String pathAndQuery) {
        if (header == null) {
            return "no " + HEADER + " header";
        }
        Matcher matcher = FORMAT.matcher(header);
        if (!matcher.matches()) {
            return HEADER + " must read t=<epoch ms>;s=<signature>";
        }
        long at = Long.parseLong(matcher.group(1));
        long skew = Math.abs(clock.millis() - at);
        if (skew > maxSkewMs) {
            return "signature is "
                    + skew
                    + " ms away from this process's clock (limit "
                    + maxSkewMs
                    + " ms)";
        }
        byte[] expected = mac(method, pathAndQuery, at).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = matcher.group(2).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual) ? null : "signature does not match";
    }

    private String mac(String method, String pathAndQuery, long at) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest =
                    mac.doFinal(
                            ("v1\n" + method + "\n" + pathAndQuery + "\n" + at)
                                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA-256 is required of every JVM", e);
        }
    }
}
