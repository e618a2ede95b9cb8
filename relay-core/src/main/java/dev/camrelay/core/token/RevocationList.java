package dev.camrelay.core.token;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token ids ({@code jti}) that must no longer be accepted, each kept until its token would have expired anyway.
 *
 * <p>Threading: thread-safe; lookups are lock-free.
 */
public final class RevocationList {

    private final ConcurrentHashMap<String, Instant> revoked = new ConcurrentHashMap<>();

    /** Revokes {@code jti} until {@code expiresAt}, after which the token is refused as expired anyway. */
    public void revoke(String jti, Instant expiresAt) {
        revoked.merge(jti, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
    }

    public boolean isRevoked(String jti) {
        return revoked.containsKey(jti);
    }

    /** Forgets entries whose tokens have expired; returns how many. */
    public int purgeExpired(Instant now) {
        int before = revoked.size();
        revoked.values().removeIf(exp -> exp.isBefore(now));
        return before - revoked.size();
    }

    public int size() {
        return revoked.size();
    }
}
