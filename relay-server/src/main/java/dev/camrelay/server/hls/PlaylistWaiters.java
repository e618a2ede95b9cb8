package dev.camrelay.server.hls;

import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>A request may name the executor its answer belongs on (its connection's event loop). The wake pass claims every
 * satisfied request, then hands each executor one task completing all of its requests at once, so the loop writes
 * its responses back to back, with no write task and wake-up per response (work removed per response; the p99 at
 * 1,000 players on one core did not measurably change, see docs/benchmarks.md, LL-HLS round 3).
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
        return await(msn, part, timeoutMillis, null);
    }

    /** As {@link #await(long, int, long)}; a wake completes it on {@code completeOn} (null: on the wake thread). */
    CompletableFuture<MediaPlaylistSnapshot> await(long msn, int part, long timeoutMillis, Executor completeOn) {
        return await(p -> msn < 0 || p.satisfies(msn, part), timeoutMillis, completeOn);
    }

    /** The first playlist that satisfies {@code condition}; completes with {@link #TIMED_OUT} as above. */
    CompletableFuture<MediaPlaylistSnapshot> await(Predicate<MediaPlaylistSnapshot> condition, long timeoutMillis) {
        return await(condition, timeoutMillis, null);
    }

    /**
     * As {@link #await(Predicate, long)}; a wake completes it on {@code completeOn} (null: on the wake thread); a
     * timeout or a playlist already there completes it on the timer's or the calling thread, as before.
     */
    CompletableFuture<MediaPlaylistSnapshot> await(Predicate<MediaPlaylistSnapshot> condition, long timeoutMillis,
                                                   Executor completeOn) {
        MediaPlaylistSnapshot now = current.get();
        if (ready(now, condition)) {
            return CompletableFuture.completedFuture(now);
        }
        if (count.incrementAndGet() > MAX_WAITING) {
            count.decrementAndGet();
            return CompletableFuture.completedFuture(TIMED_OUT);
        }
        Waiter w = new Waiter(condition, completeOn);
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
        Map<Executor, List<Waiter>> batches = null;
        for (int i = held.size() - 1; i >= 0; i--) {
            Waiter w = held.get(i);
            if (w.finished != 0 || ready(playlist, w.condition)) {
                if (w.finished == 0 && claim(w, playlist)) {
                    if (w.completeOn == null) {
                        w.future.complete(playlist);
                    } else {
                        if (batches == null) {
                            batches = new IdentityHashMap<>();
                        }
                        batches.computeIfAbsent(w.completeOn, e -> new ArrayList<>()).add(w);
                    }
                }
                Waiter moved = held.remove(held.size() - 1);
                if (i < held.size()) {
                    held.set(i, moved);
                }
            }
        }
        if (batches != null) {
            batches.forEach((executor, batch) -> handOver(executor, batch, playlist));
        }
    }

    /** One task on {@code executor} completes a whole batch of claimed requests; here, if it takes no more tasks. */
    private static void handOver(Executor executor, List<Waiter> batch, MediaPlaylistSnapshot playlist) {
        Runnable completeAll = () -> {
            for (Waiter w : batch) {
                w.future.complete(playlist);
            }
        };
        try {
            executor.execute(completeAll);
        } catch (RejectedExecutionException e) {
            completeAll.run(); // the loop is shutting down: its continuations release what they cannot write
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
        if (claim(w, result)) {
            w.future.complete(result);
        }
        return true;
    }

    /** Claims a held request for {@code result}: true for the one caller that may complete its future. */
    private boolean claim(Waiter w, MediaPlaylistSnapshot result) {
        if (!Waiter.FINISHED.compareAndSet(w, 0, 1)) {
            return false;
        }
        count.decrementAndGet();
        Timeout t = w.timeout;
        if (t != null && result != TIMED_OUT) {
            t.cancel();
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
        /** Where a wake completes it; null: on the wake thread. */
        final Executor completeOn;
        final CompletableFuture<MediaPlaylistSnapshot> future = new CompletableFuture<>();
        volatile Timeout timeout;
        /** 1 once {@link #finish} has claimed it. */
        volatile int finished;

        Waiter(Predicate<MediaPlaylistSnapshot> condition, Executor completeOn) {
            this.condition = condition;
            this.completeOn = completeOn;
        }
    }
}
