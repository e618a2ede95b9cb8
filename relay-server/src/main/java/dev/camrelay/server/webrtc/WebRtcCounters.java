package dev.camrelay.server.webrtc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the WebRTC egress for {@code /metrics}. Each counter has one writing thread (the UDP I/O thread for
 * what arrives, the sender thread for what leaves, a handler for sessions) and is read by scrapes from any thread;
 * single writers use {@code lazySet}, so counting costs a plain store on the hot path.
 */
public final class WebRtcCounters {

    final AtomicLong packetsSent = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong nacksReceived = new AtomicLong();
    final AtomicLong retransmissions = new AtomicLong();
    final AtomicLong plisReceived = new AtomicLong();
    final AtomicLong stunDropped = new AtomicLong();
    final AtomicLong dtlsDropped = new AtomicLong();
    final AtomicLong rtpDropped = new AtomicLong();
    final AtomicLong unknownDropped = new AtomicLong();
    final AtomicLong sendDropped = new AtomicLong();
    final AtomicLong rtcpDropped = new AtomicLong();
    final AtomicLong rtcpMalformed = new AtomicLong();
    final AtomicLong audioFramesSent = new AtomicLong();
    final AtomicLong iceRestarts = new AtomicLong();
    final AtomicLong sessionsCreated = new AtomicLong();
    final AtomicLong sessionsClosed = new AtomicLong();

    /** Single-writer increment: a plain add published with release semantics. */
    static void add(AtomicLong counter, long delta) {
        counter.lazySet(counter.get() + delta);
    }

    public long packetsSent() {
        return packetsSent.get();
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    public long framesSent() {
        return framesSent.get();
    }

    public long nacksReceived() {
        return nacksReceived.get();
    }

    public long retransmissions() {
        return retransmissions.get();
    }

    public long plisReceived() {
        return plisReceived.get();
    }

    /** STUN datagrams dropped: malformed, bad FINGERPRINT, unknown USERNAME. */
    public long stunDropped() {
        return stunDropped.get();
    }

    /** DTLS datagrams from an address with no valid ICE check, or that the session's queue refused. */
    public long dtlsDropped() {
        return dtlsDropped.get();
    }

    /** RTP/RTCP datagrams from unknown addresses, before keys, or failing SRTCP authentication. */
    public long rtpDropped() {
        return rtpDropped.get();
    }

    /** Datagrams whose first byte is none of STUN, DTLS, RTP/RTCP (RFC 7983). */
    public long unknownDropped() {
        return unknownDropped.get();
    }

    /** Datagrams the sender could not hand to the UDP event loop (its ring was full). */
    public long sendDropped() {
        return sendDropped.get();
    }

    /** Decrypted RTCP packets the sender's inbox had no room for (a viewer flooding its own session). */
    public long rtcpDropped() {
        return rtcpDropped.get();
    }

    /** Decrypted RTCP packets (or their transport-wide feedback) that did not parse. */
    public long rtcpMalformed() {
        return rtcpMalformed.get();
    }

    public long audioFramesSent() {
        return audioFramesSent.get();
    }

    /** ICE restarts done through PATCH (RFC 9725 §4.3.2). */
    public long iceRestarts() {
        return iceRestarts.get();
    }

    public long sessionsCreated() {
        return sessionsCreated.get();
    }

    public long sessionsClosed() {
        return sessionsClosed.get();
    }
}
