package dev.camrelay.server.hls;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a test reads from an hls.js page: a script installed before the page's own ({@link #BEFORE_LOAD}) catches the
 * page's {@code window.hls} as it is assigned and records hls.js errors (with their reasons), stalls, slow loads and
 * buffer holes in a bounded log; {@link #sample} reads the playback state, including glass-to-glass latency from
 * {@code EXT-X-PROGRAM-DATE-TIME} ({@code hls.playingDate}) against the browser's clock, which on this machine is the
 * relay's clock.
 *
 * <p>Threading: stateless; the page is driven from one test thread.
 */
final class HlsJsWatch {

    /** Kept in the page's log at most (the newest). */
    static final int LOG_ENTRIES = 200;
    /** A load slower than this is logged: a part is 200 ms, so this is where a player starts to starve. */
    static final int SLOW_LOAD_MILLIS = 500;

    static final String BEFORE_LOAD = """
            (() => {
              const t0 = performance.now();
              const log = [];
              const note = (e) => { e.t = Math.round(performance.now() - t0); log.push(e);
                if (log.length > %d) { log.shift(); } };
              window.__hlsLog = log;
              window.__hlsStalls = 0;
              const ranges = (b) => { const r = []; for (let i = 0; i < b.length; i++) {
                r.push([+b.start(i).toFixed(3), +b.end(i).toFixed(3)]); } return r; };
              let current;
              Object.defineProperty(window, 'hls', { configurable: true, get() { return current; }, set(h) {
                current = h;
                const E = Hls.Events;
                h.on(E.ERROR, (e, d) => {
                  if (d.details === 'bufferStalledError') { window.__hlsStalls++; }
                  note({ ev: d.type + '/' + d.details, fatal: !!d.fatal,
                    reason: String(d.reason || (d.error && d.error.message) || '').slice(0, 240) });
                });
                h.on(E.LEVEL_LOADED, (e, d) => { const ms = d.stats.loading.end - d.stats.loading.start;
                  if (ms > %d || d.details.fragments.length === 0) { note({ ev: 'slow-or-empty-playlist',
                    ms: Math.round(ms), segments: d.details.fragments.length, edge: d.details.edge }); } });
                h.on(E.FRAG_LOADED, (e, d) => { const x = d.part || d.frag;
                  const ms = x.stats.loading.end - x.stats.loading.start;
                  if (ms > %d) { note({ ev: 'slow-load', sn: d.frag.sn, part: d.part ? d.part.index : -1,
                    ms: Math.round(ms) }); } });
                h.on(E.BUFFER_APPENDED, () => { const v = document.getElementById('video');
                  if (v && v.buffered.length > 1) { note({ ev: 'buffer-hole', buffered: ranges(v.buffered),
                    ct: v.currentTime }); } });
              } });
            })();
            """.formatted(LOG_ENTRIES, SLOW_LOAD_MILLIS, SLOW_LOAD_MILLIS);

    private static final String SAMPLE = """
            (() => { const v = document.getElementById('video'); const h = window.hls;
              if (!v || !h) { return { t: 0, page: location.href }; }
              const q = v.getVideoPlaybackQuality();
              return { t: v.currentTime, total: q.totalVideoFrames, dropped: q.droppedVideoFrames,
                latency: h.latency, target: h.targetLatency, rate: v.playbackRate,
                g2g: h.playingDate ? (Date.now() - h.playingDate.getTime()) / 1000 : null,
                stalls: window.__hlsStalls || 0, errors: window.hlsErrors || [] }; })()
            """;

    private HlsJsWatch() {
    }

    /** One reading of the page. */
    record Sample(double t, long total, long dropped, double latency, double target, double rate, double g2g,
                  int stalls, String errors) {

        static Sample of(JsonNode n) {
            return new Sample(n.path("t").asDouble(), n.path("total").asLong(), n.path("dropped").asLong(),
                    n.path("latency").asDouble(), n.path("target").asDouble(), n.path("rate").asDouble(1),
                    n.path("g2g").asDouble(Double.NaN), n.path("stalls").asInt(), n.path("errors").toString());
        }

        @Override
        public String toString() {
            return String.format("t=%.2f frames=%d dropped=%d latency=%.2f target=%.2f rate=%.2f g2g=%.3f stalls=%d",
                    t, total, dropped, latency, target, rate, g2g, stalls);
        }
    }

    static Sample sample(CdpPage page) throws Exception {
        return Sample.of(page.evaluate(SAMPLE));
    }

    /** The page's log of errors, stalls, slow loads and buffer holes, oldest first. */
    static String log(CdpPage page) throws Exception {
        return page.evaluate("JSON.stringify(window.__hlsLog || [])").asText();
    }

    /** The median of {@code values} (copied and sorted); NaN when empty. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !v.isNaN()).sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }
}
