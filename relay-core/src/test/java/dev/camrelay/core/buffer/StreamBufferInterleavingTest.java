package dev.camrelay.core.buffer;

import static dev.camrelay.core.buffer.StreamReader.END_OF_STREAM;
import static dev.camrelay.core.buffer.StreamReader.FRAME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Single-threaded interleavings of one writer and several readers of random speed: after every frame the writer
 * publishes, each reader polls up to k times, k drawn from its own schedule (0 included, so readers are lapped).
 * Whatever the sizes (wraps, frames over the limit), keyframe pattern and speeds, every frame a reader yields is
 * exactly a frame written to that stream, in strictly increasing sequence, a keyframe first and after any gap, and
 * a gap is always explained by a counted lap or a rejected frame.
 */
class StreamBufferInterleavingTest {

    private static final StreamKey KEY = new StreamKey("cam-p", 11, StreamKey.SOURCE_RENDITION);
    private static final StreamFormat FORMAT = new StreamFormat(List.of());

    /** One frame the writer will offer; {@code sizePermille} of the buffer's payload limit, over 1000 is too large. */
    record Offer(int sizePermille, boolean keyframe, int track, long pts) {
    }

    @Provide
    Arbitrary<List<Offer>> offers() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(7, Arbitraries.integers().between(0, 60)),
                Tuple.of(3, Arbitraries.integers().between(0, 1000)),
                Tuple.of(1, Arbitraries.integers().between(1001, 1100)));
        Arbitrary<Boolean> keyframe = Arbitraries.integers().between(0, 9).map(i -> i == 0);
        Arbitrary<Integer> track = Arbitraries.integers().between(0, 2);
        Arbitrary<Long> pts = Arbitraries.longs().between(0, 1L << 40);
        return Combinators.combine(size, keyframe, track, pts).as(Offer::new).list().ofMinSize(1).ofMaxSize(400);
    }

    @Property(tries = 1000)
    void readersYieldOnlyWrittenFramesInOrderWithKeyframesAfterGaps(
            @ForAll @IntRange(min = 12, max = 14) int capacityLog2,
            @ForAll("offers") List<Offer> offers,
            @ForAll @Size(min = 1, max = 5) List<@Size(min = 1, max = 16) List<@IntRange(min = 0, max = 3) Integer>>
                    schedules) {
        RecordingAlarm alarm = new RecordingAlarm();
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, 1 << capacityLog2);
        int max = stream.maxPayloadLength();
        int[] lengths = new int[offers.size()];
        boolean[] rejected = new boolean[offers.size()];
        UnsafeBuffer source = new UnsafeBuffer(new byte[max + max / 10 + 1]);

        List<Follower> followers = new ArrayList<>();
        Follower idle = new Follower(stream.openReader(KEY, alarm), List.of(0), true);
        followers.add(idle);
        for (int i = 0; i < schedules.size(); i++) {
            // Reader 0 is there from the start; the others join spread over the stream, at its latest keyframe.
            followers.add(new Follower(null, schedules.get(i), i == 0));
        }

        for (int step = 0; step < offers.size(); step++) {
            for (int i = 1; i < followers.size(); i++) {
                Follower f = followers.get(i);
                if (f.reader == null && step >= (i - 1) * offers.size() / schedules.size()) {
                    f.reader = stream.openReader(KEY, alarm);
                }
            }
            Offer offer = offers.get(step);
            lengths[step] = (int) ((long) max * offer.sizePermille() / 1000);
            SelfCheckingPayload.fill(source, 0, lengths[step], step);
            long sequence = stream.publish(offer.track(), offer.pts(), offer.pts() - step % 2, offer.keyframe(),
                    source, 0, lengths[step]);
            rejected[step] = lengths[step] > max;
            assertThat(sequence).isEqualTo(rejected[step] ? StreamBuffer.REJECTED_TOO_LARGE : step);

            for (int i = 1; i < followers.size(); i++) {
                Follower f = followers.get(i);
                if (f.reader != null) {
                    int polls = f.schedule.get(step % f.schedule.size());
                    for (int p = 0; p < polls && f.reader.poll() == FRAME; p++) {
                        f.check(offers, lengths, rejected);
                    }
                }
            }
        }

        stream.seal();
        for (Follower f : followers) {
            int status = 0;
            for (int p = 0; p < 100_000 && (status = f.reader.poll()) != END_OF_STREAM; p++) {
                if (status == FRAME) {
                    f.check(offers, lengths, rejected);
                }
            }
            assertThat(status).isEqualTo(END_OF_STREAM);
        }

        assertThat(alarm.violations).isEmpty();
        assertThat(stream.framesRejectedTooLarge()).isEqualTo(count(rejected));
        // The idle reader started at position 0 and first polled after the seal: lapped exactly when the writer
        // had gone more than one ring past it, and counted exactly once.
        assertThat(idle.reader.laps()).isEqualTo(stream.tailAcquire() > stream.capacity() ? 1 : 0);
        for (Follower f : List.of(idle, followers.get(1))) {
            if (f.reader.laps() == 0) {
                assertThat(f.yielded).as("a reader never lapped misses nothing but undecodable frames")
                        .isEqualTo(decodable(offers, rejected));
            }
        }
    }

    /** What a reader present from the start must yield when never lapped: resync at a keyframe after each hole. */
    private static List<Long> decodable(List<Offer> offers, boolean[] rejected) {
        List<Long> out = new ArrayList<>();
        boolean needKeyframe = true;
        for (int s = 0; s < offers.size(); s++) {
            if (rejected[s]) {
                needKeyframe = true;
            } else if (!needKeyframe || offers.get(s).keyframe()) {
                needKeyframe = false;
                out.add((long) s);
            }
        }
        return out;
    }

    private static long count(boolean[] flags) {
        long n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    /** One reader, its polling schedule, and what it has yielded so far. */
    private static final class Follower {
        StreamReader reader;
        final List<Integer> schedule;
        final boolean fromStart;
        final List<Long> yielded = new ArrayList<>();
        long lapsAtLastFrame;

        Follower(StreamReader reader, List<Integer> schedule, boolean fromStart) {
            this.reader = reader;
            this.schedule = schedule;
            this.fromStart = fromStart;
        }

        void check(List<Offer> offers, int[] lengths, boolean[] rejected) {
            FrameView frame = reader.frame();
            long s = frame.sequence();
            assertThat(s).isBetween(0L, offers.size() - 1L);
            assertThat(rejected[(int) s]).as("seq %d was rejected", s).isFalse();
            Offer offer = offers.get((int) s);
            assertThat(frame.payloadLength()).isEqualTo(lengths[(int) s]);
            assertThat(SelfCheckingPayload.isWhole(frame.buffer(), frame.payloadOffset(), frame.payloadLength(), s))
                    .as("payload of seq %d is whole", s).isTrue();
            assertThat(frame.isKeyframe()).isEqualTo(offer.keyframe());
            assertThat(frame.track()).isEqualTo(offer.track());
            assertThat(frame.pts()).isEqualTo(offer.pts());
            assertThat(frame.dts()).isEqualTo(offer.pts() - s % 2);

            long last = yielded.isEmpty() ? -1 : yielded.getLast();
            assertThat(s).as("sequences strictly increase").isGreaterThan(last);
            if (last < 0 || s != last + 1) {
                assertThat(frame.isKeyframe()).as("first frame at start or after a gap (%d -> %d)", last, s).isTrue();
            }
            // Without a lap, a reader skips only what it cannot decode: frames before its first keyframe, and
            // frames after a rejected one up to the next keyframe. Any other gap must be a lap, and counted.
            boolean explained = last >= 0 ? anyRejected(rejected, last + 1, s)
                    : !fromStart || !anyKeyframe(offers, rejected, 0, s);
            if (s != last + 1 && !explained) {
                assertThat(reader.laps()).as("gap %d -> %d is a counted lap", last, s)
                        .isGreaterThan(lapsAtLastFrame);
            }
            lapsAtLastFrame = reader.laps();
            yielded.add(s);
        }

        private static boolean anyKeyframe(List<Offer> offers, boolean[] rejected, long from, long to) {
            for (long i = from; i < to; i++) {
                if (offers.get((int) i).keyframe() && !rejected[(int) i]) {
                    return true;
                }
            }
            return false;
        }

        private static boolean anyRejected(boolean[] rejected, long from, long to) {
            for (long i = from; i < to; i++) {
                if (rejected[(int) i]) {
                    return true;
                }
            }
            return false;
        }
    }
}
