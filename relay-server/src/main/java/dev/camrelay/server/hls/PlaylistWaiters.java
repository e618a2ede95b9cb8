package dev.camrelay.server.hls;

import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One stream's blocked playlist requests (RFC 8216bis §6.2.5.2), held without a thread each: a request registers a
 * future; {@link #wake} (called by the stream's segmenter thread after every publish) completes those the new
 * playlist satisfies; a scheduler completes the rest with {@link #TIMED_OUT} after three target durations.
 *
 * <p><b>Threading contract:</b> thread-safe. {@link #await} from any request thread; {@link #wake} from the one
 * publishing thread, and it only completes futures (dependent work must be asynchronous: callers chain with
 * {@code *Async}). A request registers, then checks the current playlist again, so a publish racing the registration
 * is never missed.
 */
final class PlaylistWaiters {

    /** What a timed-out wait completes with: the caller answers 503 (§6.2.5.2). */
    static final MediaPlaylistSnapshot TIMED_OUT = null;
    /** Requests one stream may hold at once; beyond it, new blocking requests are refused at once (503). */
    static final int MAX_WAITING = 20_000;

    private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final ScheduledExecutorService timeouts;

    PlaylistWaiters(ScheduledExecutorService timeouts) {
        this.timeouts = timeouts;
    }

    /**
     * The first playlist that has segment {@code msn} (part {@code part}), or any playlist when {@code msn < 0};
     * completes with {@link #TIMED_OUT} (null) after {@code timeoutMillis}, or at once when too many are waiting.
     */
    CompletableFuture<MediaPlaylistSnapshot> await(Supplier<MediaPlaylistSnapshot> current, long msn, int part,
                                                   long timeoutMillis) {
        return await(current, p -> msn < 0 || p.satisfies(msn, part), timeoutMillis);
    }

    /** The first playlist that satisfies {@code condition}; completes with {@link #TIMED_OUT} as above. */
    CompletableFuture<MediaPlaylistSnapshot> await(Supplier<MediaPlaylistSnapshot> current,
                                                   Predicate<MediaPlaylistSnapshot> condition, long timeoutMillis) {
        MediaPlaylistSnapshot now = current.get();
        if (ready(now, condition)) {
            return CompletableFuture.completedFuture(now);
        }
        if (count.incrementAndGet() > MAX_WAITING) {
            count.decrementAndGet();
            return CompletableFuture.completedFuture(TIMED_OUT);
        }
        Waiter w = new Waiter(condition, new CompletableFuture<>());
        waiting.add(w);
        w.timeout = timeouts.schedule(() -> finish(w, TIMED_OUT), timeoutMillis, TimeUnit.MILLISECONDS);
        now = current.get();
        if (ready(now, condition)) {
            finish(w, now);
        }
        return w.future;
    }

    /** Completes every waiter that {@code playlist} satisfies. Called after each publish. */
    void wake(MediaPlaylistSnapshot playlist) {
        if (playlist == null) {
            return;
        }
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (ready(playlist, w.condition)) {
                finish(w, playlist);
            }
        }
    }

    /** Requests held now (for metrics and tests). */
    int size() {
        return count.get();
    }

    private void finish(Waiter w, MediaPlaylistSnapshot result) {
        if (w.future.complete(result)) {
            waiting.remove(w);
            count.decrementAndGet();
            ScheduledFuture<?> t = w.timeout;
            if (t != null && result != TIMED_OUT) {
                t.cancel(false);
            }
        }
    }

    private static boolean ready(MediaPlaylistSnapshot playlist, Predicate<MediaPlaylistSnapshot> condition) {
        return playlist != null && (playlist.ended() || condition.test(playlist));
    }

    /** One held request. */
    private static final class Waiter {
        final Predicate<MediaPlaylistSnapshot> condition;
        final CompletableFuture<MediaPlaylistSnapshot> future;
        volatile ScheduledFuture<?> timeout;

        Waiter(Predicate<MediaPlaylistSnapshot> condition, CompletableFuture<MediaPlaylistSnapshot> future) {
            this.condition = condition;
            this.future = future;
        }
    }
}
