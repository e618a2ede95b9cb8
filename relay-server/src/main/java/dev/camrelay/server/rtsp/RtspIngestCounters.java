package dev.camrelay.server.rtsp;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the RTSP server refused or dropped, for {@code /metrics}. Threading: thread-safe; written by the connections'
 * event loops, read by scrapes. Incremented per connection or per refused request, never per accepted packet.
 */
public final class RtspIngestCounters {

    private final LongAdder malformedConnections = new LongAdder();
    private final LongAdder authFailures = new LongAdder();
    private final LongAdder publishersRefused = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder foreignDatagrams = new LongAdder();
    private final LongAdder livenessTimeouts = new LongAdder();
    private final LongAdder rtpPacketsLost = new LongAdder();

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

    void foreignDatagram() {
        foreignDatagrams.increment();
    }

    void rtpPacketsLost(long newlyLost) {
        rtpPacketsLost.add(newlyLost);
    }

    void livenessTimeout() {
        livenessTimeouts.increment();
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

    /** UDP datagrams dropped because they came from an address other than the publisher's. */
    public long foreignDatagrams() {
        return foreignDatagrams.sum();
    }

    /** RTP packets publishers sent that never arrived (RFC 3550 §A.3 cumulative loss), all push cameras. */
    public long rtpPacketsLost() {
        return rtpPacketsLost.sum();
    }

    /** Publishing sessions ended because no RTP arrived for the liveness timeout. */
    public long livenessTimeouts() {
        return livenessTimeouts.sum();
    }
}
