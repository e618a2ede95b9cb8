package dev.camrelay.server.webrtc;

import dev.camrelay.server.metrics.RelayMetrics;
import dev.camrelay.webrtc.cc.SessionEstimator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * Puts the WebRTC egress's counters into {@code /metrics}, read at scrape time: totals, the per-session estimate
 * (labelled by camera and a short hash of the WHEP session id), and the frame-in to last-packet-out latency as
 * quantiles over the interval since the previous scrape and since the start.
 */
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
        metrics.counter("relay_whep_audio_frames_sent_total", "Audio frames sent (Opus, G.711)", c::audioFramesSent);
        metrics.counter("relay_whep_ice_restarts_total", "ICE restarts through PATCH (RFC 9725)", c::iceRestarts);
        metrics.counter("relay_whep_rtcp_dropped_total", "Viewer RTCP packets dropped: the session's inbox was full",
                c::rtcpDropped);
        metrics.counter("relay_whep_rtcp_malformed_total", "Viewer RTCP packets that did not parse",
                c::rtcpMalformed);
        sessionGauge(metrics, egress, "relay_whep_session_bandwidth_estimate_bits_per_second",
                "Per-session estimate of what the path to the viewer carries (0: unknown)",
                SessionEstimator::bandwidth);
        sessionGauge(metrics, egress, "relay_whep_session_receive_rate_bits_per_second",
                "Bitrate the viewer acknowledged in transport-wide feedback", SessionEstimator::receiveRate);
        sessionGauge(metrics, egress, "relay_whep_session_rtt_seconds", "Smoothed RTT from receiver reports",
                e -> e.rttMicros() / 1e6);
        sessionGauge(metrics, egress, "relay_whep_session_loss_ratio", "Share of packets lost to the viewer",
                SessionEstimator::lossFraction);
        sessionGauge(metrics, egress, "relay_whep_session_jitter_seconds", "Interarrival jitter from receiver reports",
                e -> e.jitterMillis() / 1e3);
        metrics.labelledGauge("relay_whep_frame_latency_seconds", "Frame published by ingest to its last packet "
                + "handed to the UDP loop, per WHEP session", List.of("window", "quantile"), samples -> {
                    FrameLatency.Snapshot snapshot = egress.latency().snapshot();
                    quantiles(samples, "interval", snapshot.interval());
                    quantiles(samples, "total", snapshot.total());
                });
        metrics.counter("relay_whep_frame_latency_out_of_range_total", "Frames sent more than 10 s after ingest",
                () -> egress.latency().outOfRange());
        metrics.counter("relay_webrtc_unknown_dropped_total", "Datagrams that are none of STUN, DTLS, RTP (RFC 7983)",
                c::unknownDropped);
    }

    private static void sessionGauge(RelayMetrics metrics, WebRtcEgress egress, String name, String help,
                                     ToDoubleFunction<SessionEstimator> value) {
        metrics.labelledGauge(name, help, List.of("camera", "session"), samples -> {
            for (WhepSession s : egress.sessions()) {
                samples.sample(value.applyAsDouble(s.estimator), s.cameraId(), s.label);
            }
        });
    }

    private static void quantiles(RelayMetrics.Samples samples, String window, Histogram h) {
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            samples.sample(h.getValueAtPercentile(q * 100) / 1e6, window, Double.toString(q));
        }
        samples.sample(h.getMaxValue() / 1e6, window, "1.0");
    }
}
