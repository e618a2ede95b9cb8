package dev.camrelay.core.session;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.isolation.IsolationAlarm;
import dev.camrelay.core.media.StreamKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One viewer's right to watch one camera over one protocol until it expires or is revoked, and the only way egress
 * obtains a {@link StreamReader} ({@link #openReader}).
 *
 * <p><b>Threading contract.</b> Thread-safe. Identity fields are final; the bound epoch only moves forward
 * (compare-and-set); ending is idempotent and closes every reader the session opened, from whichever thread ends it.
 *
 * <p><b>Isolation.</b> A reader's expected key is built from this session's own camera id and epoch, not from the
 * buffer the directory handed over. A directory that returns another camera's buffer, or an older epoch's, therefore
 * yields no frame: the reader's first provenance check fails closed (isolation.md scorecard #3).
 */
public final class ViewerSession {

    /** Why a session ended; {@code null} while it has not. */
    public enum End { REVOKED, EXPIRED }

    private final SessionId id;
    private final String cameraId;
    private final String viewer;
    private final Protocol protocol;
    private final String jti;
    private final Instant createdAt;
    private final Instant expiresAt;
    private final StreamDirectory directory;
    private final IsolationAlarm alarm;
    private final Clock clock;
    private final AtomicLong epoch;
    private final List<StreamReader> readers = new CopyOnWriteArrayList<>();
    private volatile End ended;

    ViewerSession(SessionId id, String cameraId, String viewer, Protocol protocol, String jti, Instant createdAt,
                  Instant expiresAt, long epoch, StreamDirectory directory, IsolationAlarm alarm, Clock clock) {
        this.id = id;
        this.cameraId = cameraId;
        this.viewer = viewer;
        this.protocol = protocol;
        this.jti = jti;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.epoch = new AtomicLong(epoch);
        this.directory = directory;
        this.alarm = alarm;
        this.clock = clock;
    }

    public SessionId id() {
        return id;
    }

    public String cameraId() {
        return cameraId;
    }

    public String viewer() {
        return viewer;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The id of the token issued with this session; revoking the session revokes it. */
    public String jti() {
        return jti;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /** The camera epoch this session is bound to now: the one it was created in, or a later one it moved to. */
    public long epoch() {
        return epoch.get();
    }

    public boolean isRevoked() {
        return ended == End.REVOKED;
    }

    /** Neither ended nor past its expiry at {@code now}. */
    public boolean isActive(Instant now) {
        return ended == null && now.isBefore(expiresAt);
    }

    /** How the session ended, if it has. */
    public Optional<End> ended() {
        return Optional.ofNullable(ended);
    }

    /**
     * Opens a reader of this session's camera's current stream, starting at its latest keyframe. Empty when the
     * session is no longer active or the camera is not live. When the camera has moved to a newer epoch, the
     * session moves with it (never back: an older epoch's buffer is refused by the reader's provenance check).
     */
    public Optional<StreamReader> openReader(int rendition) {
        if (!isActive(clock.instant())) {
            return Optional.empty();
        }
        Optional<StreamBuffer> current = directory.current(cameraId, rendition);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        StreamBuffer buffer = current.get();
        long bound = epoch.accumulateAndGet(buffer.key().epoch(), Math::max);
        StreamReader reader = buffer.openReader(new StreamKey(cameraId, bound, rendition), alarm);
        readers.add(reader);
        if (ended != null) {
            // Ended while opening: whoever ended it may have closed the readers before this one was added.
            reader.close();
            return Optional.empty();
        }
        readers.removeIf(StreamReader::isClosed);
        return Optional.of(reader);
    }

    /** Ends the session (idempotent; the first reason wins) and closes its readers. */
    boolean end(End why) {
        synchronized (this) {
            if (ended != null) {
                return false;
            }
            ended = why;
        }
        for (StreamReader r : readers) {
            r.close();
        }
        readers.clear();
        return true;
    }

    @Override
    public String toString() {
        return "ViewerSession[" + id + ", camera=" + cameraId + ", " + protocol + ", epoch=" + epoch.get()
                + (ended == null ? "" : ", " + ended) + "]";
    }
}
