package dev.fmplex.control.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of API keys. A generated key reads {@code fmp_<id>_<secret>}: a 12-character public id
 * (shown in listings and the audit, and the database key it is looked up by) and 256 random bits.
 * An operator-chosen bootstrap key may have any form within {@link #RULE}; its id is {@value
 * #BOOTSTRAP_ID}.
 */
final class KeyFormat {

    static final String RULE = "32-256 characters of A-Z a-z 0-9 - . _ ~ + /";
    static final String BOOTSTRAP_ID = "bootstrap";

    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._~+/-]{32,256}");
    private static final Pattern GENERATED =
            Pattern.compile("fmp_([a-z2-7]{12})_[A-Za-z0-9_-]{43}");
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFormat() {}

    static boolean isWellFormed(String key) {
        return WELL_FORMED.matcher(key).matches();
    }

    /** The public id of a well-formed key. */
    static String idOf(String key) {
        Matcher generated = GENERATED.matcher(key);
        return generated.matches() ? generated.group(1) : BOOTSTRAP_ID;
    }

    /** A new key with a new id. */
    static String generate() {
        char[] id = new char[12];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return "fmp_"
                + new String(id)
                + "_"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
