package dev.camrelay.server.hls;

import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import dev.camrelay.server.metrics.RelayMetrics;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Puts the LL-HLS egress into {@code /metrics}, read at scrape time: the relay-side blocked-reload latency as
 * quantiles over the interval since the previous scrape and since the start ({@link ReloadLatency}), with its
 * sample counter, and per camera the advertised PART-TARGET, the media bytes held and the parts that could not
 * keep the 85 % rule.
 */
public final class HlsMetrics {

    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

    private HlsMetrics() {
    }

    public static void register(RelayMetrics metrics, HlsApi api, HlsStreams streams) {
        ReloadLatency latency = api.latency();
        metrics.labelledGauge("relay_hls_reload_latency_seconds", "Held LL-HLS playlist reloads: the frame completing "
                + "the awaited part at the relay to the response written to the socket (window interval: since the "
                + "previous scrape; quantile 1.0: max)", List.of("window",
                "quantile"), samples -> {
                    ReloadLatency.Snapshot snapshot = latency.snapshot();
                    quantiles(samples, "interval", snapshot.interval());
                    quantiles(samples, "total", snapshot.total());
                });
        metrics.counter("relay_hls_reload_latency_samples_total", "Held LL-HLS playlist reloads timed",
                latency::recorded);
        metrics.counter("relay_hls_reload_latency_out_of_range_total", "Held reloads answered more than 15 s after "
                + "their part was complete (not timed)", latency::outOfRange);
        metrics.labelledGauge("relay_hls_part_target_seconds", "PART-TARGET the camera's LL-HLS playlists advertise "
                + "(the configured one rounded up to whole frames)", List.of("camera"), samples -> {
                    for (HlsStream s : streams.streams()) {
                        MediaPlaylistSnapshot playlist = s.store().playlist();
                        if (playlist != null) {
                            samples.sample(playlist.partTarget(), s.cameraId());
                        }
                    }
                });
        metrics.labelledGauge("relay_hls_stored_bytes", "Media bytes of the camera's LL-HLS parts held in its own "
                + "direct memory (listed, removed but still downloadable, being written)", List.of("camera"),
                samples -> streams.streams().forEach(s -> samples.sample(s.store().heldBytes(), s.cameraId())));
        metrics.labelledCounter("relay_hls_short_parts_total", "LL-HLS parts under 85 % of PART-TARGET that were "
                + "neither independent nor last (frame timing that does not fit it)", List.of("camera"),
                samples -> streams.streams().forEach(s -> samples.sample(s.shortParts(), s.cameraId())));
    }

    private static void quantiles(RelayMetrics.Samples samples, String window, Histogram h) {
        for (double q : QUANTILES) {
            samples.sample(h.getValueAtPercentile(q * 100) / 1e6, window, Double.toString(q));
        }
        samples.sample(h.getMaxValue() / 1e6, window, "1.0");
    }
}
