package dev.camrelay.server.hls;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * HLS refusals by reason, for {@code /metrics}.
 *
 * <p>Threading: thread-safe (atomic counters); any request thread counts, the scrape thread reads.
 */
public final class HlsRefusalCounts {

    private final AtomicLongArray counts = new AtomicLongArray(HlsRefusal.values().length);

    void count(HlsRefusal reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    public long total(HlsRefusal reason) {
        return counts.get(reason.ordinal());
    }

    public long total() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }
}
