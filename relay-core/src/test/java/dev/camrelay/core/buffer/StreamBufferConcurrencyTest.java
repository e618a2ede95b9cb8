package dev.camrelay.core.buffer;

import static dev.camrelay.core.buffer.StreamReader.END_OF_STREAM;
import static dev.camrelay.core.buffer.StreamReader.FRAME;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * One writer thread and several reader threads on one buffer, for a bounded time per try: the readers check every
 * frame they are handed against the stream's plan ({@link PlannedFrames}), so a torn copy, a frame out of order, a
 * non-keyframe after a gap or an uncounted lap fails the property. One reader naps after each frame so that it is
 * lapped; one joins while the writer runs, to start at a keyframe published concurrently.
 */
class StreamBufferConcurrencyTest {

    private static final long WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(350);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Property(tries = 4)
    void concurrentReadersYieldOnlyWholeWrittenFramesInOrder(
            @ForAll long seed,
            @ForAll @IntRange(min = 12, max = 15) int capacityLog2,
            @ForAll @IntRange(min = 1, max = 16) int keyframeEvery) throws InterruptedException {
        StreamBuffer stream = new StreamBuffer(PlannedFrames.KEY, PlannedFrames.FORMAT, 1 << capacityLog2);
        PlannedFrames plan = new PlannedFrames(seed, stream.maxPayloadLength(), keyframeEvery);
        RecordingAlarm alarm = new RecordingAlarm();
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicLong published = new AtomicLong();

        List<Checker> checkers = List.of(
                new Checker("fast", stream.openReader(PlannedFrames.KEY, alarm), null, 0, plan, errors),
                new Checker("napping", stream.openReader(PlannedFrames.KEY, alarm), null, 200_000, plan, errors),
                new Checker("late", null, stream, 0, plan, errors));
        List<Thread> threads = new ArrayList<>();
        for (Checker c : checkers) {
            threads.add(Thread.ofPlatform().name("reader-" + c.name).start(() -> c.run(alarm)));
        }
        Thread writer = Thread.ofPlatform().name("writer").start(() -> {
            long deadline = System.nanoTime() + WRITE_NANOS;
            long sequence = 0;
            while (System.nanoTime() < deadline) {
                if (plan.publish(stream, sequence) != sequence) {
                    errors.add("publish of " + sequence + " rejected");
                }
                sequence++;
            }
            published.set(sequence);
            stream.seal();
        });
        writer.join();
        for (Thread t : threads) {
            t.join(TimeUnit.NANOSECONDS.toMillis(DRAIN_NANOS));
            assertThat(t.isAlive()).as("%s ends within the drain time", t.getName()).isFalse();
        }

        assertThat(errors).isEmpty();
        assertThat(alarm.violations).isEmpty();
        for (Checker c : checkers) {
            assertThat(c.status).as("%s ends with END_OF_STREAM", c.name).isEqualTo(END_OF_STREAM);
            assertThat(c.last).as("%s never yields past the last frame", c.name).isLessThan(published.get());
        }
        assertThat(checkers.getFirst().reader.framesRead()).isPositive();
        assertThat(checkers.get(1).reader.laps()).as("the napping reader was lapped, and it was counted")
                .isPositive();
    }

    /** A reader thread that checks every frame it is handed and remembers the first thing that was wrong. */
    private static final class Checker {
        final String name;
        final StreamBuffer lateOpen;
        final long napNanos;
        final PlannedFrames plan;
        final Queue<String> errors;
        StreamReader reader;
        volatile int status;
        volatile long last = -1;

        Checker(String name, StreamReader reader, StreamBuffer lateOpen, long napNanos, PlannedFrames plan,
                Queue<String> errors) {
            this.name = name;
            this.reader = reader;
            this.lateOpen = lateOpen;
            this.napNanos = napNanos;
            this.plan = plan;
            this.errors = errors;
        }

        void run(RecordingAlarm alarm) {
            if (reader == null) {
                LockSupport.parkNanos(WRITE_NANOS / 3);
                reader = lateOpen.openReader(PlannedFrames.KEY, alarm);
            }
            long deadline = System.nanoTime() + WRITE_NANOS + DRAIN_NANOS;
            long lapsAtLast = 0;
            long previous = -1;
            int result;
            while ((result = reader.poll()) != END_OF_STREAM && System.nanoTime() < deadline) {
                if (result != FRAME) {
                    if (result != StreamReader.NOTHING) {
                        errors.add(name + ": poll returned " + result);
                        break;
                    }
                    Thread.onSpinWait();
                    continue;
                }
                FrameView frame = reader.frame();
                long sequence = frame.sequence();
                String mismatch = plan.mismatch(frame);
                if (mismatch != null) {
                    errors.add(name + ": " + mismatch);
                }
                if (sequence <= previous) {
                    errors.add(name + ": sequence " + sequence + " after " + previous);
                }
                boolean gap = previous < 0 || sequence != previous + 1;
                if (gap && !frame.isKeyframe()) {
                    errors.add(name + ": non-keyframe " + sequence + " after gap from " + previous);
                }
                long laps = reader.laps();
                if (previous >= 0 && sequence != previous + 1 && laps == lapsAtLast) {
                    errors.add(name + ": gap " + previous + " -> " + sequence + " without a counted lap");
                }
                lapsAtLast = laps;
                previous = sequence;
                last = sequence;
                if (napNanos > 0) {
                    LockSupport.parkNanos(napNanos);
                }
            }
            status = result;
        }
    }
}
