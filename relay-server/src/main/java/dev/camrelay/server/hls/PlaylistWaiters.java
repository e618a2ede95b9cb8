package dev.camrelay.server.hls;

import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One stream's blocked playlist requests (RFC 8216bis §6.2.5.2), held without a thread each: a request registers a
 * future; after every publish the stream calls {@link #published}, and one task on the {@code wake} executor completes
 * those the newest playlist satisfies; a hashed-wheel timer completes the rest with {@link #TIMED_OUT} after three
 * target durations.
 *
 * <p><b>Threading contract:</b> {@link #await} from any thread; {@link #published} from the stream's one publishing
 * thread, which it never delays: it only schedules the wake task (at most one pending, so a burst of publishes costs
 * one wake with the newest playlist). The held requests are owned by that task, which runs on the single-threaded
 * {@code wake} executor. A completed future runs its callers' non-async continuations on the thread that completed
 * it: the wake thread, the timer's thread, or the requesting thread itself; those continuations must not block.
 * A request registers, then checks the current playlist again, so a publish racing the registration is never missed.
 *
 * <p>Cost per publish is one pass over the held requests, each dropped in O(1) once complete (an earlier version
 * removed each completed request from a linked queue by a search from its head, which costs a pass over every
 * still-unsatisfied request ahead of it: quadratic when viewers wait for different parts).
 */
final class PlaylistWaiters {

    /** What a timed-out wait completes with: the caller answers 503 (§6.2.5.2). */
    static final MediaPlaylistSnapshot TIMED_OUT = null;
    /** Requests one stream may hold at once; beyond it, new blocking requests are refused at once (503). */
    static final int MAX_WAITING = 20_000;

    private final Supplier<MediaPlaylistSnapshot> current;
    private final Timer timeouts;
    private final Executor wake;
    private final ConcurrentLinkedQueue<Waiter> added = new ConcurrentLinkedQueue<>();
    /** Owned by the wake task. */
    private final List<Waiter> held = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private final Runnable wakeTask = this::wakeNow;

    /**
     * @param current  the stream's newest playlist (null before the first)
     * @param timeouts completes timed-out waits
     * @param wake     a single-threaded executor for the wake task
     */
    PlaylistWaiters(Supplier<MediaPlaylistSnapshot> current, Timer timeouts, Executor wake) {
        this.current = current;
        this.timeouts = timeouts;
        this.wake = wake;
    }

    /**
     * The first playlist that has segment {@code msn} (part {@code part}), or any playlist when {@code msn < 0};
     * completes with {@link #TIMED_OUT} (null) after {@code timeoutMillis}, or at once when too many are waiting.
     */
    CompletableFuture<MediaPlaylistSnapshot> await(long msn, int part, long timeoutMillis) {
        return await(p -> msn < 0 || p.satisfies(msn, part), timeoutMillis);
    }

    /** The first playlist that satisfies {@code condition}; completes with {@link #TIMED_OUT} as above. */
    CompletableFuture<MediaPlaylistSnapshot> await(Predicate<MediaPlaylistSnapshot> condition, long timeoutMillis) {
        MediaPlaylistSnapshot now = current.get();
        if (ready(now, condition)) {
            return CompletableFuture.completedFuture(now);
        }
        if (count.incrementAndGet() > MAX_WAITING) {
            count.decrementAndGet();
            return CompletableFuture.completedFuture(TIMED_OUT);
        }
        Waiter w = new Waiter(condition);
        added.add(w);
        w.timeout = timeouts.newTimeout(t -> finish(w, TIMED_OUT), timeoutMillis, TimeUnit.MILLISECONDS);
        now = current.get();
        if (ready(now, condition)) {
            finish(w, now); // a wake that ran before the add did not see this request
        }
        return w.future;
    }

    /** The stream published a new playlist (or ended): wake the requests it satisfies, on the wake thread. */
    void published() {
        if (wakeScheduled.compareAndSet(false, true)) {
            try {
                wake.execute(wakeTask);
            } catch (RejectedExecutionException e) {
                wakeScheduled.set(false); // the relay is shutting down: nobody is left to answer
            }
        }
    }

    /** Requests held now (for metrics and tests). */
    int size() {
        return count.get();
    }

    private void wakeNow() {
        wakeScheduled.set(false); // before reading the playlist: a later publish schedules another wake
        MediaPlaylistSnapshot playlist = current.get();
        for (Waiter w; (w = added.poll()) != null; ) {
            held.add(w);
        }
        for (int i = held.size() - 1; i >= 0; i--) {
            Waiter w = held.get(i);
            if (w.finished != 0 || (ready(playlist, w.condition) && finish(w, playlist))) {
                Waiter moved = held.remove(held.size() - 1);
                if (i < held.size()) {
                    held.set(i, moved);
                }
            }
        }
    }

    /**
     * Completes a held request once, whichever of the wake pass, the timer and the registering thread gets there
     * first. The count drops before the future completes, so whoever sees the answer also sees it no longer held
     * (completing first let a caller woken by the future still count it: {@code aReloadNobodySatisfiesTimesOut} failed
     * now and then).
     *
     * @return true (so the wake pass drops the request whichever thread completed it)
     */
    private boolean finish(Waiter w, MediaPlaylistSnapshot result) {
        if (Waiter.FINISHED.compareAndSet(w, 0, 1)) {
            count.decrementAndGet();
            Timeout t = w.timeout;
            if (t != null && result != TIMED_OUT) {
                t.cancel();
            }
            w.future.complete(result);
        }
        return true;
    }

    private static boolean ready(MediaPlaylistSnapshot playlist, Predicate<MediaPlaylistSnapshot> condition) {
        return playlist != null && (playlist.ended() || condition.test(playlist));
    }

    /** One held request. */
    private static final class Waiter {
        static final AtomicIntegerFieldUpdater<Waiter> FINISHED =
                AtomicIntegerFieldUpdater.newUpdater(Waiter.class, "finished");
        final Predicate<MediaPlaylistSnapshot> condition;
        final CompletableFuture<MediaPlaylistSnapshot> future = new CompletableFuture<>();
        volatile Timeout timeout;
        /** 1 once {@link #finish} has claimed it. */
        volatile int finished;

        Waiter(Predicate<MediaPlaylistSnapshot> condition) {
            this.condition = condition;
        }
    }
}
