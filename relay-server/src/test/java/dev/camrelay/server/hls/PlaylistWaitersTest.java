package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import dev.camrelay.hls.playlist.PartInfo;
import dev.camrelay.hls.playlist.SegmentInfo;
import io.netty.util.HashedWheelTimer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Held blocking reloads: woken by the publish that satisfies them, timed out otherwise, never lost. */
class PlaylistWaitersTest {

    private final AtomicReference<MediaPlaylistSnapshot> current = new AtomicReference<>();
    private final HashedWheelTimer timer = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
    /** The wake task runs when the test says so, as on the one wake thread. */
    private final List<Runnable> wakeTasks = new ArrayList<>();
    private final PlaylistWaiters waiters = new PlaylistWaiters(current::get, timer, wakeTasks::add);

    @AfterEach
    void stopTimer() {
        timer.stop();
    }

    /** Segment 0 complete (5 parts), then segment 1 with {@code parts} parts. */
    private static MediaPlaylistSnapshot edge(int parts) {
        List<PartInfo> five = new ArrayList<>();
        List<PartInfo> some = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(new PartInfo(i, 0.2, i == 0));
            if (i < parts) {
                some.add(new PartInfo(i, 0.2, i == 0));
            }
        }
        return new MediaPlaylistSnapshot(4, 0.2, 0, List.of(
                new SegmentInfo(0, 1, Instant.EPOCH, 1.0, five, true, 0),
                SegmentInfo.inProgress(1, 1, Instant.EPOCH.plusSeconds(1), some, 5)), false, List.of());
    }

    private void publish(MediaPlaylistSnapshot p) {
        current.set(p);
        waiters.published();
        List<Runnable> tasks = List.copyOf(wakeTasks);
        wakeTasks.clear();
        tasks.forEach(Runnable::run);
    }

    @Test
    void aPublishWakesExactlyTheReloadsItSatisfies() {
        publish(edge(1));
        CompletableFuture<MediaPlaylistSnapshot> part1 = waiters.await(1, 1, 10_000);
        CompletableFuture<MediaPlaylistSnapshot> part3 = waiters.await(1, 3, 10_000);
        assertThat(waiters.size()).isEqualTo(2);

        publish(edge(2));

        assertThat(part1).isCompletedWithValueMatching(p -> p.lastPart() == 1);
        assertThat(part3).isNotDone();
        assertThat(waiters.size()).isEqualTo(1);
    }

    @Test
    void aBurstOfPublishesIsOneWakeWithTheNewestPlaylist() {
        publish(edge(1));
        CompletableFuture<MediaPlaylistSnapshot> next = waiters.await(1, 1, 10_000);

        current.set(edge(2));
        waiters.published();
        current.set(edge(3));
        waiters.published();
        assertThat(wakeTasks).hasSize(1);
        wakeTasks.remove(0).run();

        assertThat(next).isCompletedWithValueMatching(p -> p.lastPart() == 2);
    }

    @Test
    void aReloadAlreadySatisfiedIsAnsweredWithoutBeingHeld() {
        publish(edge(3));

        assertThat(waiters.await(1, 2, 10_000)).isCompletedWithValueMatching(p -> p.lastPart() == 2);
        assertThat(waiters.size()).isZero();
    }

    @Test
    void aReloadNobodySatisfiesTimesOut() throws Exception {
        publish(edge(1));

        CompletableFuture<MediaPlaylistSnapshot> held = waiters.await(1, 4, 50);

        assertThat(held.get(5, TimeUnit.SECONDS)).isSameAs(PlaylistWaiters.TIMED_OUT);
        assertThat(waiters.size()).isZero();
    }

    @Test
    void whoeverSeesAHeldReloadAnsweredNoLongerSeesItHeld() throws Exception {
        publish(edge(1));
        CompletableFuture<MediaPlaylistSnapshot> timesOut = waiters.await(1, 4, 1);
        CompletableFuture<MediaPlaylistSnapshot> woken = waiters.await(1, 1, 10_000);
        // non-async continuations run inside the completion, on the completing thread, as the relay's own do
        CompletableFuture<Integer> heldWhenTimedOut = timesOut.thenApply(p -> waiters.size());
        CompletableFuture<Integer> heldWhenWoken = woken.thenApply(p -> waiters.size());

        assertThat(heldWhenTimedOut.get(5, TimeUnit.SECONDS)).as("by the timer: the woken one is still held")
                .isEqualTo(1);
        publish(edge(2));
        assertThat(heldWhenWoken.get(5, TimeUnit.SECONDS)).as("by the wake pass").isZero();
    }

    @Test
    void tenThousandHeldReloadsAreAllWokenByOnePublish() {
        publish(edge(1));
        List<CompletableFuture<MediaPlaylistSnapshot>> held = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            held.add(waiters.await(1, 1, 60_000));
        }

        publish(edge(2));

        assertThat(held).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(waiters.size()).isZero();
    }

    @Test
    void aWakeCompletesEachLoopsReloadsInOneTaskOnThatLoop() {
        publish(edge(1));
        List<Runnable> loopA = new ArrayList<>();
        List<Runnable> loopB = new ArrayList<>();
        Executor a = loopA::add; // one object per loop, as a connection's event loop is
        Executor b = loopB::add;
        List<CompletableFuture<MediaPlaylistSnapshot>> onA = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onA.add(waiters.await(1, 1, 60_000, a));
        }
        CompletableFuture<MediaPlaylistSnapshot> onB = waiters.await(1, 1, 60_000, b);
        CompletableFuture<MediaPlaylistSnapshot> stillWaiting = waiters.await(1, 3, 60_000, b);

        publish(edge(2));

        assertThat(waiters.size()).as("claimed by the wake, no longer held").isEqualTo(1);
        assertThat(onA).allSatisfy(f -> assertThat(f).isNotDone());
        assertThat(loopA).hasSize(1);
        assertThat(loopB).hasSize(1);
        loopA.get(0).run();
        assertThat(onA).allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(p -> p.lastPart() == 1));
        assertThat(onB).isNotDone();
        loopB.get(0).run();
        assertThat(onB).isCompletedWithValueMatching(p -> p.lastPart() == 1);
        assertThat(stillWaiting).isNotDone();

        publish(edge(4));
        assertThat(loopB).as("the next wake: a new task for what it satisfies, nothing twice").hasSize(2);
        loopB.get(1).run();
        assertThat(stillWaiting).isCompletedWithValueMatching(p -> p.lastPart() == 3);
    }

    @Test
    void aLoopThatTakesNoMoreTasksStillGetsItsReloadsAnswered() {
        publish(edge(1));
        CompletableFuture<MediaPlaylistSnapshot> held = waiters.await(1, 1, 60_000, task -> {
            throw new java.util.concurrent.RejectedExecutionException("shutting down");
        });

        publish(edge(2));

        assertThat(held).isCompletedWithValueMatching(p -> p.lastPart() == 1);
        assertThat(waiters.size()).isZero();
    }

    @Test
    void beyondTheLimitANewReloadIsRefusedAtOnce() {
        publish(edge(1));
        for (int i = 0; i < PlaylistWaiters.MAX_WAITING; i++) {
            waiters.await(1, 1, 60_000);
        }

        assertThat(waiters.await(1, 1, 60_000)).isCompletedWithValue(PlaylistWaiters.TIMED_OUT);
        assertThat(waiters.size()).isEqualTo(PlaylistWaiters.MAX_WAITING);
    }
}
