package dev.camrelay.server.play;

/**
 * A token bucket for the unauthenticated demo-session endpoint: a burst of {@link #BURST}, then one session per
 * {@link #REFILL_NANOS}. Anyone can call that endpoint, so it must not let one client fill the camera's session cap.
 *
 * <p>Threading: thread-safe ({@code synchronized}; a few calls a second at most).
 */
final class DemoSessionRate {

    static final int BURST = 10;
    static final long REFILL_NANOS = 2_000_000_000L;

    private double tokens = BURST;
    private long last;
    private boolean started;

    /** Takes one token at {@code nanoTime}; false when the bucket is empty. */
    synchronized boolean tryAcquire(long nanoTime) {
        if (!started) {
            started = true;
            last = nanoTime;
        }
        tokens = Math.min(BURST, tokens + (double) (nanoTime - last) / REFILL_NANOS);
        last = nanoTime;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
