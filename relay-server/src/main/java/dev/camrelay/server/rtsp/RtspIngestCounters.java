package dev.camrelay.server.rtsp;

import dev.camrelay.rtsp.receive.ReceiveCounters;
import java.util.concurrent.atomic.LongAdder;

/**
 * Threading: thread-safe; written by the connections' event loops (push and pull), read by scrapes.
 *
 * <p>What the RTSP ingest refused or dropped, for {@code /metrics}. Incremented per connection, per refused request
 * or datagram, or with a periodic delta ({@code TrackTally}), never per accepted packet.
 */
public final class RtspIngestCounters implements ReceiveCounters {

    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder malformedConnections = new LongAdder();
    private final LongAdder authFailures = new LongAdder();
    private final LongAdder publishersRefused = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder foreignDatagrams = new LongAdder();
    private final LongAdder livenessTimeouts = new LongAdder();
    private final LongAdder rtpPacketsLost = new LongAdder();
    private final LongAdder rtpInvalid = new LongAdder();
    private final LongAdder tlsFailures = new LongAdder();

    void connectionAccepted() {
        connectionsAccepted.increment();
    }

    void malformed() {
        malformedConnections.increment();
    }

    void authFailed() {
        authFailures.increment();
    }

    void publisherRefused() {
        publishersRefused.increment();
    }

    void connectionRefused() {
        connectionsRefused.increment();
    }

    @Override
    public void foreignDatagram() {
        foreignDatagrams.increment();
    }

    @Override
    public void rtpPacketsLost(long newlyLost) {
        rtpPacketsLost.add(newlyLost);
    }

    @Override
    public void rtpInvalid(long newlyInvalid) {
        rtpInvalid.add(newlyInvalid);
    }

    void livenessTimeout() {
        livenessTimeouts.increment();
    }

    void tlsFailed() {
        tlsFailures.increment();
    }

    /** rtsps pull attempts whose TLS handshake failed (a refused certificate, a camera that speaks no TLS). */
    public long tlsFailures() {
        return tlsFailures.sum();
    }

    /** RTSP connections accepted (under the limit) since the start. */
    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    /** Connections closed for input that could not be framed or broke a limit (RtspLimits). */
    public long malformedConnections() {
        return malformedConnections.sum();
    }

    /** Requests answered 401 because credentials were missing or wrong. */
    public long authFailures() {
        return authFailures.sum();
    }

    /** ANNOUNCEs refused because another publisher holds the camera. */
    public long publishersRefused() {
        return publishersRefused.sum();
    }

    /** Connections closed on accept because the server had its maximum. */
    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    /** UDP datagrams dropped because they came from an address other than the session's peer (push or pull). */
    public long foreignDatagrams() {
        return foreignDatagrams.sum();
    }

    /** RTP packets cameras sent over UDP that never arrived (RFC 3550 §A.3 cumulative loss), push and pull. */
    public long rtpPacketsLost() {
        return rtpPacketsLost.sum();
    }

    /** RTP packets dropped as not valid RTP (wrong version, too short, bad padding), push and pull. */
    public long rtpInvalid() {
        return rtpInvalid.sum();
    }

    /** Publishing sessions ended because no RTP arrived for the liveness timeout. */
    public long livenessTimeouts() {
        return livenessTimeouts.sum();
    }
}
