package dev.fmplex.control.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A bearer credential read from the request, not yet checked. */
final class BearerKey extends AbstractAuthenticationToken {

    private final String key;

    BearerKey(String key) {
        super(List.of());
        this.key = key;
    }

    String key() {
        return key;
    }

    @Override
    public Object getCredentials() {
        return key;
    }

    @Override
    public Object getPrincipal() {
        return KeyFormat.isWellFormed(key) ? KeyFormat.idOf(key) : "malformed";
    }
}
