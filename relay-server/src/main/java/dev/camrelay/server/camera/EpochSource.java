package dev.camrelay.server.camera;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out stream epochs: strictly increasing within the process and, in practice, never repeated across restarts.
 *
 * <p>Threading: {@link #next()} is thread-safe and lock-free.
 *
 * <p><b>Why clock-seeded.</b> An epoch names one run of one camera's source; URLs, HLS part names and session
 * bindings carry it. Were epochs a counter from 1, a relay restart would hand out epoch 1 again and a player or a
 * cache holding a URL from before the restart could be served the new run under the old name (isolation.md, bug
 * class 4). So each epoch is {@code max(previous + 1, now in microseconds since 1970)}: within a process it always
 * increases; across restarts the new process starts above every epoch the old one handed out, unless the old one
 * handed out more than one epoch per microsecond on average (it cannot: an epoch costs a buffer allocation) or the
 * wall clock stepped back by more than the downtime. Values stay below 2^53, so JSON clients read them exactly.
 */
public final class EpochSource {

    private static final EpochSource PROCESS_WIDE = new EpochSource(Clock.systemUTC());

    private final Clock clock;
    private final AtomicLong last = new AtomicLong();

    /** For tests; the relay uses {@link #processWide()}. */
    public EpochSource(Clock clock) {
        this.clock = clock;
    }

    /** The one source every camera of this process draws from, so no two streams ever share an epoch. */
    public static EpochSource processWide() {
        return PROCESS_WIDE;
    }

    public long next() {
        long now = micros(clock.instant());
        return last.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }
}
