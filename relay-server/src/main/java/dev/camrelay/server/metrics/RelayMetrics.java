package dev.camrelay.server.metrics;

import dev.camrelay.core.isolation.IsolationViolations;
import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.core.token.TokenRejection;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.hls.HlsRefusal;
import dev.camrelay.server.hls.HlsRefusalCounts;
import dev.camrelay.server.http.HttpCounters;
import dev.camrelay.server.rtsp.RtspIngestCounters;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * {@code /metrics}: every value is read at scrape time, by callbacks, from the live objects (buffers' monitoring
 * counters, registries, counters the HTTP layer keeps anyway), so metrics add nothing to the media hot path.
 *
 * <p>Per-session frame, lap and skip counters are not exported yet: the session API does not expose its readers'
 * counters, and the egress that owns those readers (HLS, WebRTC) comes with later issues. Session ids must not
 * become labels as they are (they are capabilities and {@code /metrics} needs no key); a later issue can label by a
 * short hash.
 *
 * <p>Threading: {@link #scrape()} is thread-safe; scrapes may run concurrently.
 */
public final class RelayMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public RelayMetrics(CameraRegistry cameras, SessionRegistry sessions, IsolationViolations violations,
                        HttpCounters http, TokenRejectionCounts tokens, Clock clock) {
        cameraCounter("relay_camera_frames_in_total", "Frames received from the camera, all epochs",
                cameras, Camera::framesIn);
        cameraCounter("relay_camera_bytes_in_total", "Payload bytes received from the camera, all epochs",
                cameras, Camera::bytesIn);
        cameraCounter("relay_camera_frames_rejected_total", "Frames the camera's buffer refused (too large)",
                cameras, Camera::framesRejected);
        cameraGauge("relay_camera_epoch", "The camera's current stream epoch (0: never live)",
                cameras, c -> c.epoch());
        cameraGauge("relay_camera_live", "1 while the camera is live, else 0",
                cameras, c -> c.state().isLive() ? 1 : 0);
        cameraGauge("relay_camera_viewers", "Active viewer sessions of the camera",
                cameras, c -> sessions.activeCount(c.id()));
        cameraGauge("relay_camera_ingest_bits_per_second", "Bitrate received over the last seconds",
                cameras, c -> c.rate().bitsPerSecond());
        GaugeWithCallback.builder().name("relay_cameras").help("Cameras configured")
                .callback(cb -> cb.call(cameras.size())).register(registry);
        GaugeWithCallback.builder().name("relay_sessions_active").help("Viewer sessions neither expired nor revoked")
                .callback(cb -> cb.call(sessions.list().stream().filter(s -> s.isActive(clock.instant())).count()))
                .register(registry);
        CounterWithCallback.builder().name("relay_isolation_violations_total")
                .help("Frames blocked at egress because their provenance did not match the session; must stay 0")
                .callback(cb -> cb.call(violations.total())).register(registry);
        CounterWithCallback.builder().name("relay_http_requests_total").help("HTTP responses by status class")
                .labelNames("status")
                .callback(cb -> {
                    for (int cls = 1; cls <= 5; cls++) {
                        cb.call(http.responses(cls), cls + "xx");
                    }
                }).register(registry);
        CounterWithCallback.builder().name("relay_http_bad_requests_total")
                .help("Malformed HTTP requests (400, 413, 414, 431)")
                .callback(cb -> cb.call(http.badRequests())).register(registry);
        CounterWithCallback.builder().name("relay_http_tls_handshake_failures_total")
                .help("HTTPS connections closed because the TLS handshake or the ALPN protocol choice failed")
                .callback(cb -> cb.call(http.tlsHandshakeFailures())).register(registry);
        CounterWithCallback.builder().name("relay_token_rejections_total").help("Viewer tokens rejected, by reason")
                .labelNames("reason")
                .callback(cb -> {
                    for (TokenRejection reason : TokenRejection.values()) {
                        cb.call(tokens.total(reason), reason.name().toLowerCase(Locale.ROOT));
                    }
                }).register(registry);
    }

    /** Adds the LL-HLS egress's counters. */
    public void addHls(HlsRefusalCounts refusals) {
        CounterWithCallback.builder().name("relay_hls_refusals_total")
                .help("HLS requests refused with 403 and no media byte, by reason")
                .labelNames("reason")
                .callback(cb -> {
                    for (HlsRefusal reason : HlsRefusal.values()) {
                        cb.call(refusals.total(reason), reason.name().toLowerCase(Locale.ROOT));
                    }
                }).register(registry);
    }

    /** The RTSP server's refusals and drops (isolation.md #10: malformed input is counted). */
    public void addRtspIngest(RtspIngestCounters rtsp) {
        counter("relay_rtsp_connections_total", "RTSP connections accepted", rtsp::connectionsAccepted);
        counter("relay_rtsp_malformed_connections_total", "RTSP connections closed for malformed or oversize input",
                rtsp::malformedConnections);
        counter("relay_rtsp_auth_failures_total", "RTSP requests answered 401", rtsp::authFailures);
        counter("relay_rtsp_publishers_refused_total", "ANNOUNCEs refused: the camera already has a publisher",
                rtsp::publishersRefused);
        counter("relay_rtsp_connections_refused_total", "RTSP connections refused at the connection limit",
                rtsp::connectionsRefused);
        counter("relay_rtsp_foreign_datagrams_total", "UDP media dropped: not from the RTSP session's peer address",
                rtsp::foreignDatagrams);
        counter("relay_rtsp_rtp_packets_lost_total", "RTP packets cameras sent over UDP that never arrived",
                rtsp::rtpPacketsLost);
        counter("relay_rtsp_rtp_invalid_total", "RTP packets dropped as invalid (wrong version or length)",
                rtsp::rtpInvalid);
        counter("relay_rtsp_liveness_timeouts_total", "Publishing sessions ended for lack of RTP",
                rtsp::livenessTimeouts);
        counter("relay_rtsp_tls_failures_total", "rtsps pull attempts whose TLS handshake failed (certificate "
                + "refused, or no TLS)", rtsp::tlsFailures);
    }

    /** Adds a counter read at scrape time (for egress modules that keep their own counters). */
    public void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong()))
                .register(registry);
    }

    /** Samples of a labelled metric, produced at scrape time. */
    @FunctionalInterface
    public interface Samples {
        void sample(double value, String... labels);
    }

    /** Adds a gauge with labels whose samples {@code samples} produces at each scrape. */
    public void labelledGauge(String name, String help, List<String> labelNames, Consumer<Samples> samples) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(labelNames.toArray(String[]::new))
                .callback(cb -> samples.accept(cb::call)).register(registry);
    }

    /** Adds a counter with labels whose samples {@code samples} produces at each scrape. */
    public void labelledCounter(String name, String help, List<String> labelNames, Consumer<Samples> samples) {
        CounterWithCallback.builder().name(name).help(help).labelNames(labelNames.toArray(String[]::new))
                .callback(cb -> samples.accept(cb::call)).register(registry);
    }

    /** Adds a gauge read at scrape time. */
    public void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong()))
                .register(registry);
    }

    private void cameraCounter(String name, String help, CameraRegistry cameras, ToDoubleFunction<Camera> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("camera")
                .callback(cb -> cameras.list().forEach(c -> cb.call(value.applyAsDouble(c), c.id())))
                .register(registry);
    }

    private void cameraGauge(String name, String help, CameraRegistry cameras, ToDoubleFunction<Camera> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("camera")
                .callback(cb -> cameras.list().forEach(c -> cb.call(value.applyAsDouble(c), c.id())))
                .register(registry);
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** The Prometheus text exposition of every metric, read now. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
