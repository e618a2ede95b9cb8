package dev.camrelay.server.rtsp;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter for reconnecting to a camera: 1 s, 2 s, 4 s ... up to 30 s, each delay
 * scaled by a random factor in [1 - {@link #JITTER}, 1 + {@link #JITTER}] so that cameras that failed together (a
 * switch reboot) do not all reconnect in the same instant. {@link #reset} after a connection that played.
 *
 * <p>Threading: not thread-safe; owned by one camera's pull ingest.
 */
final class ReconnectBackoff {

    static final long INITIAL_MILLIS = 1_000;
    static final long MAX_MILLIS = 30_000;
    static final double JITTER = 0.2;

    private final long initialMillis;
    private final long maxMillis;
    private int failures;

    ReconnectBackoff() {
        this(INITIAL_MILLIS, MAX_MILLIS);
    }

    ReconnectBackoff(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("bad backoff bounds " + initialMillis + ".." + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
    }

    /** The delay before the next attempt, and counts this failure. */
    long nextDelayMillis() {
        int shift = Math.min(failures, 30);
        failures++;
        long base = Math.min(maxMillis, initialMillis << shift);
        double factor = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(1, Math.min(maxMillis, Math.round(base * factor)));
    }

    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
