package dev.camrelay.server.hls;

import dev.camrelay.core.session.SessionId;
import dev.camrelay.core.session.ViewerSession;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every HLS playback by its {@code sid}: 128 bits from a CSPRNG (isolation.md #6), base64url, never reused. A
 * playback is dropped when its session ends or expires; a session holds at most {@link #MAX_PER_SESSION}
 * playbacks (each multivariant request makes one; the oldest goes first).
 *
 * <p><b>Threading contract:</b> thread-safe; lookups are lock-free, {@link #create} and the removals are
 * serialised so the per-session cap is exact.
 */
final class HlsPlaybacks {

    /** Playbacks one viewer session may hold: a player reloading its multivariant playlist now and then. */
    static final int MAX_PER_SESSION = 8;
    static final int SID_BYTES = 16;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final ConcurrentHashMap<String, HlsPlayback> bySid = new ConcurrentHashMap<>();

    synchronized HlsPlayback create(ViewerSession session, HlsStream stream, Instant now) {
        List<HlsPlayback> mine = new ArrayList<>();
        for (HlsPlayback p : bySid.values()) {
            if (p.session().equals(session.id())) {
                mine.add(p);
            }
        }
        mine.sort(Comparator.comparing(HlsPlayback::createdAt));
        for (int i = 0; i <= mine.size() - MAX_PER_SESSION; i++) {
            bySid.remove(mine.get(i).sid());
        }
        String sid;
        do {
            byte[] bytes = new byte[SID_BYTES];
            RANDOM.nextBytes(bytes);
            sid = ENCODER.encodeToString(bytes);
        } while (bySid.containsKey(sid)); // 2^-128 per draw; checked anyway (isolation.md #6)
        HlsPlayback p = new HlsPlayback(sid, session.id(), session.cameraId(), stream, stream.epoch(), now,
                session.expiresAt());
        bySid.put(sid, p);
        return p;
    }

    Optional<HlsPlayback> find(String sid) {
        return sid == null ? Optional.empty() : Optional.ofNullable(bySid.get(sid));
    }

    /** Drops a session's playbacks (the session ended). */
    synchronized void removeSession(SessionId session) {
        bySid.values().removeIf(p -> p.session().equals(session));
    }

    /** Drops playbacks past their expiry and those of finished streams; called periodically. */
    synchronized void removeExpired(Instant now) {
        bySid.values().removeIf(p -> !now.isBefore(p.expiresAt()) || p.stream().isDone());
    }

    int size() {
        return bySid.size();
    }
}
