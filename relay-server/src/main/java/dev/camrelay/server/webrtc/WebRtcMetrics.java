package dev.camrelay.server.webrtc;

import dev.camrelay.server.metrics.RelayMetrics;

/** Puts the WebRTC egress's counters into {@code /metrics}, read at scrape time. */
public final class WebRtcMetrics {

    private WebRtcMetrics() {
    }

    public static void register(RelayMetrics metrics, WebRtcEgress egress) {
        WebRtcCounters c = egress.counters();
        metrics.gauge("relay_whep_sessions_active", "WHEP sessions open", egress::activeSessions);
        metrics.counter("relay_whep_sessions_opened_total", "WHEP sessions opened", c::sessionsCreated);
        metrics.counter("relay_whep_sessions_closed_total", "WHEP sessions closed, for any reason", c::sessionsClosed);
        metrics.counter("relay_whep_packets_sent_total", "SRTP packets sent, retransmissions included",
                c::packetsSent);
        metrics.counter("relay_whep_bytes_sent_total", "SRTP bytes sent", c::bytesSent);
        metrics.counter("relay_whep_send_dropped_total", "SRTP packets dropped because the UDP send ring was full",
                c::sendDropped);
        metrics.counter("relay_whep_frames_sent_total", "Access units sent", c::framesSent);
        metrics.counter("relay_whep_nacks_received_total", "Packets NACKed by viewers", c::nacksReceived);
        metrics.counter("relay_whep_retransmissions_total", "Packets resent for NACKs", c::retransmissions);
        metrics.counter("relay_whep_plis_received_total", "PLI and FIR requests received", c::plisReceived);
        metrics.counter("relay_webrtc_stun_dropped_total", "STUN datagrams dropped (malformed, bad fingerprint, "
                + "unknown user)", c::stunDropped);
        metrics.counter("relay_webrtc_dtls_dropped_total", "DTLS datagrams dropped (no ICE check from the address, "
                + "queue full)", c::dtlsDropped);
        metrics.counter("relay_webrtc_rtp_dropped_total", "RTP/RTCP datagrams dropped (unknown address, no keys, "
                + "failed authentication)", c::rtpDropped);
        metrics.counter("relay_webrtc_unknown_dropped_total", "Datagrams that are none of STUN, DTLS, RTP (RFC 7983)",
                c::unknownDropped);
    }
}
