package dev.camrelay.server.http;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts HTTP responses by status class, malformed requests and failed TLS handshakes, for {@code /metrics}.
 *
 * <p>Threading: thread-safe; written by the dispatcher on any thread, read by the metrics scrape.
 */
public final class HttpCounters {

    private final LongAdder[] byClass = new LongAdder[6];
    private final LongAdder badRequests = new LongAdder();
    private final LongAdder tlsHandshakeFailures = new LongAdder();

    public HttpCounters() {
        for (int i = 0; i < byClass.length; i++) {
            byClass[i] = new LongAdder();
        }
    }

    /** Counts one response; 400, 413, 414 and 431 are also malformed requests (contract.md: counted in metrics). */
    public void record(int status) {
        int cls = status / 100;
        if (cls >= 1 && cls <= 5) {
            byClass[cls].increment();
        }
        if (status == 400 || status == 413 || status == 414 || status == 431) {
            badRequests.increment();
        }
    }

    /** @param statusClass 1 to 5 */
    public long responses(int statusClass) {
        return byClass[statusClass].sum();
    }

    public long badRequests() {
        return badRequests.sum();
    }

    /** An HTTPS connection closed because its TLS handshake or protocol choice failed. */
    public void tlsHandshakeFailed() {
        tlsHandshakeFailures.increment();
    }

    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }
}
