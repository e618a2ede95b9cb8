package dev.camrelay.server.hls;

import dev.camrelay.core.session.SessionId;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HLS playback: what a {@code sid} in {@code /hls/s/{sid}/...} is bound to on the server (architecture.md
 * section 5): the viewer session, its camera, the stream epoch, the expiry. The session and camera never change;
 * the epoch only moves forward, when the player moves to the camera's newer epoch, so a name from an older epoch is
 * refused from then on.
 *
 * <p><b>Threading contract:</b> thread-safe: identity fields are final, the epoch is advanced by compare-and-set
 * ({@link #advanceEpoch}).
 */
final class HlsPlayback {

    private final String sid;
    private final SessionId session;
    private final String cameraId;
    private final HlsStream stream;
    private final Instant createdAt;
    private final Instant expiresAt;
    private final AtomicLong epoch;

    HlsPlayback(String sid, SessionId session, String cameraId, HlsStream stream, long epoch, Instant createdAt,
                Instant expiresAt) {
        this.sid = sid;
        this.session = session;
        this.cameraId = cameraId;
        this.stream = stream;
        this.epoch = new AtomicLong(epoch);
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    String sid() {
        return sid;
    }

    SessionId session() {
        return session;
    }

    String cameraId() {
        return cameraId;
    }

    HlsStream stream() {
        return stream;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    /** The epoch bound now. */
    long epoch() {
        return epoch.get();
    }

    /** Moves the binding to {@code newer} if that is newer (never back); returns the epoch bound now. */
    long advanceEpoch(long newer) {
        return epoch.accumulateAndGet(newer, Math::max);
    }
}
