package dev.camrelay.core.session;

import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.isolation.IsolationAlarm;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.core.token.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every viewer session of the relay, by id. Creating one is the only way to obtain a stream reader; revoking one (or
 * its camera being deleted, or its expiry passing) closes its readers and revokes its token.
 *
 * <p><b>Threading contract.</b> Thread-safe. {@link #create} is serialised so that the per-camera cap is exact;
 * lookups are lock-free. End listeners run on the thread that ended the session and must not block.
 */
public final class SessionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    /** Ended sessions stay listed (as revoked or expired) this long, so operators can see what happened. */
    public static final Duration ENDED_RETENTION = Duration.ofMinutes(5);

    private final ConcurrentHashMap<SessionId, ViewerSession> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ViewerSession> byJti = new ConcurrentHashMap<>();
    private final List<Consumer<ViewerSession>> endListeners = new CopyOnWriteArrayList<>();
    private final StreamDirectory directory;
    private final IsolationAlarm alarm;
    private final RevocationList revocations;
    private final Clock clock;
    private final int maxPerCamera;

    public SessionRegistry(StreamDirectory directory, IsolationAlarm alarm, RevocationList revocations, Clock clock,
                           int maxPerCamera) {
        this.directory = directory;
        this.alarm = alarm;
        this.revocations = revocations;
        this.clock = clock;
        this.maxPerCamera = maxPerCamera;
    }

    /** Called once for every session that ends, however it ends. */
    public void addEndListener(Consumer<ViewerSession> listener) {
        endListeners.add(listener);
    }

    /**
     * Creates a session bound to {@code cameraId} at {@code epoch} (0 if the camera has not been live yet).
     *
     * @throws SessionLimitException when the camera already has its maximum of active sessions
     */
    public synchronized ViewerSession create(String cameraId, Protocol protocol, String viewer, Duration ttl,
                                             String jti, long epoch) throws SessionLimitException {
        if (activeCount(cameraId) >= maxPerCamera) {
            throw new SessionLimitException(cameraId, maxPerCamera);
        }
        Instant now = clock.instant();
        SessionId id;
        do {
            id = SessionId.random();
        } while (sessions.containsKey(id)); // 2^-128 per draw; checked anyway (isolation.md #6: collisions rejected)
        ViewerSession session = new ViewerSession(id, cameraId, viewer, protocol, jti, now, now.plus(ttl), epoch,
                directory, alarm, clock);
        if (byJti.putIfAbsent(jti, session) != null) {
            throw new IllegalArgumentException("a session for token id " + jti + " exists already");
        }
        sessions.put(id, session);
        return session;
    }

    /**
     * Opens a relay-internal reader of a camera's current stream, for an egress stage that one stream feeds and all
     * of that camera's viewers share (the LL-HLS segmenter: one per stream, architecture.md section 2). As with a
     * session's reader, the expected camera comes from the caller, not from the buffer, so a wrong directory entry
     * fails closed at the first frame. What such a stage produces must still reach a viewer only through that
     * viewer's session, checked per request.
     */
    public Optional<StreamReader> openStreamReader(String cameraId, int rendition) {
        return directory.current(cameraId, rendition).map(buffer -> buffer.openReader(
                new StreamKey(cameraId, buffer.key().epoch(), rendition), alarm));
    }

    /** The session a token was issued with (its {@code jti}), while it is listed. */
    public Optional<ViewerSession> findByJti(String jti) {
        return jti == null ? Optional.empty() : Optional.ofNullable(byJti.get(jti));
    }

    public Optional<ViewerSession> find(SessionId id) {
        return Optional.ofNullable(sessions.get(id));
    }

    /** Every listed session (active and recently ended), oldest first. */
    public List<ViewerSession> list() {
        return sessions.values().stream().sorted(Comparator.comparing(ViewerSession::createdAt)).toList();
    }

    public List<ViewerSession> listForCamera(String cameraId) {
        return list().stream().filter(s -> s.cameraId().equals(cameraId)).toList();
    }

    public int activeCount(String cameraId) {
        Instant now = clock.instant();
        int n = 0;
        for (ViewerSession s : sessions.values()) {
            if (s.cameraId().equals(cameraId) && s.isActive(now)) {
                n++;
            }
        }
        return n;
    }

    /** Revokes a session: its readers close now, its token is refused from now on. */
    public boolean revoke(SessionId id) {
        ViewerSession s = sessions.get(id);
        return s != null && end(s, ViewerSession.End.REVOKED);
    }

    /** Revokes every session of a camera (the camera was deleted); returns how many were active. */
    public int revokeCamera(String cameraId) {
        int n = 0;
        for (ViewerSession s : sessions.values()) {
            if (s.cameraId().equals(cameraId) && end(s, ViewerSession.End.REVOKED)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Ends every session past its expiry, and forgets an ended one once its expiry is {@link #ENDED_RETENTION}
     * past. The relay's sweeper calls this every 500 ms, which bounds how long an expired session's readers stay
     * open.
     */
    public int expireDue() {
        Instant now = clock.instant();
        int n = 0;
        for (ViewerSession s : sessions.values()) {
            if (!now.isBefore(s.expiresAt()) && end(s, ViewerSession.End.EXPIRED)) {
                n++;
            }
            if (s.ended().isPresent() && now.isAfter(s.expiresAt().plus(ENDED_RETENTION))) {
                sessions.remove(s.id(), s);
                byJti.remove(s.jti(), s);
            }
        }
        return n;
    }

    private boolean end(ViewerSession s, ViewerSession.End why) {
        if (!s.end(why)) {
            return false;
        }
        revocations.revoke(s.jti(), s.expiresAt());
        for (Consumer<ViewerSession> l : endListeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("session end listener failed for {}: {}", s, e.toString());
            }
        }
        return true;
    }
}
