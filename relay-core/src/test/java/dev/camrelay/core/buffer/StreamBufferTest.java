package dev.camrelay.core.buffer;

import static dev.camrelay.core.buffer.StreamBufferDescriptor.HEADER_LENGTH;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.LENGTH_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TYPE_FRAME;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TYPE_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TYPE_PADDING;
import static dev.camrelay.core.buffer.StreamReader.CLOSED;
import static dev.camrelay.core.buffer.StreamReader.END_OF_STREAM;
import static dev.camrelay.core.buffer.StreamReader.FRAME;
import static dev.camrelay.core.buffer.StreamReader.NOTHING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Behaviour of one {@link StreamBuffer} and its readers, driven from a single thread step by step. */
class StreamBufferTest {

    private static final StreamKey KEY = new StreamKey("cam-a", 3, StreamKey.SOURCE_RENDITION);
    private static final StreamFormat FORMAT = new StreamFormat(List.of());
    private static final int SMALL = StreamBufferDescriptor.MIN_CAPACITY;

    private final RecordingAlarm alarm = new RecordingAlarm();

    @Test
    void publishedFrameIsReadBackWholeWithItsTimingAndTrack() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        AccessUnit written = frame(2, 90_000, 87_000, true, 100, 0);

        assertThat(stream.publish(written)).isEqualTo(0);

        assertThat(reader.poll()).isEqualTo(FRAME);
        assertThat(reader.frame().toAccessUnit()).isEqualTo(written);
        assertThat(reader.frame().sequence()).isEqualTo(0);
        assertThat(reader.poll()).isEqualTo(NOTHING);
        assertThat(reader.framesRead()).isEqualTo(1);
        assertThat(stream.framesPublished()).isEqualTo(1);
        assertThat(stream.bytesPublished()).isEqualTo(100);
        assertThat(alarm.violations).isEmpty();
    }

    @Test
    void readersSeeTheArrivalTimeTheIngestGaveInMicroseconds() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        long arrival = 123_456_789_012_345L; // nanoseconds on the ingest's monotonic clock

        stream.publish(0, 0, 0, true, payload, 0, 16, arrival);

        assertThat(reader.poll()).isEqualTo(FRAME);
        assertThat(reader.frame().arrivalMicros()).isEqualTo((int) (arrival / 1000));
    }

    @Test
    void sequencesCountFromZeroInPublicationOrder() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        for (long s = 0; s < 5; s++) {
            assertThat(stream.publish(frame(0, s, s, s == 0, 10, s))).isEqualTo(s);
        }
        assertThat(sequencesRead(reader)).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void newReaderStartsAtLatestKeyframe() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, 1 << 16);
        for (long s = 0; s < 8; s++) {
            stream.publish(frame(0, s, s, s % 3 == 0, 200, s)); // keyframes 0, 3, 6
        }
        StreamReader reader = stream.openReader(KEY, alarm);

        assertThat(reader.poll()).isEqualTo(FRAME);
        assertThat(reader.frame().sequence()).isEqualTo(6);
        assertThat(reader.frame().isKeyframe()).isTrue();
        assertThat(sequencesRead(reader)).containsExactly(7L);
        assertThat(reader.laps()).isZero();
    }

    @Test
    void readerOpenedBeforeAnyKeyframeSkipsToTheFirstOne() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        stream.publish(frame(0, 0, 0, false, 10, 0));
        stream.publish(frame(0, 1, 1, false, 10, 1));
        stream.publish(frame(0, 2, 2, true, 10, 2));
        stream.publish(frame(0, 3, 3, false, 10, 3));

        assertThat(sequencesRead(reader)).containsExactly(2L, 3L);
        assertThat(reader.framesSkipped()).isEqualTo(2);
    }

    @Test
    void newReaderWithNoKeyframeInTheRingWaitsForTheNextOne() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        stream.publish(frame(0, 0, 0, false, 10, 0));
        StreamReader reader = stream.openReader(KEY, alarm);
        stream.publish(frame(0, 1, 1, false, 10, 1));
        assertThat(reader.poll()).isEqualTo(NOTHING);
        stream.publish(frame(0, 2, 2, true, 10, 2));
        assertThat(sequencesRead(reader)).containsExactly(2L);
    }

    @Test
    void lappedReaderResumesAtLatestKeyframe() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        int size = 500; // 568-byte records: 7 fit in 4096, so 20 frames lap an idle reader twice over
        stream.publish(frame(0, 0, 0, true, size, 0));
        assertThat(sequencesRead(reader)).containsExactly(0L);
        for (long s = 1; s < 20; s++) {
            stream.publish(frame(0, s, s, s % 5 == 0, size, s)); // keyframes 5, 10, 15
        }

        List<Long> read = sequencesRead(reader);

        assertThat(reader.laps()).isEqualTo(1);
        assertThat(read).containsExactly(15L, 16L, 17L, 18L, 19L);
        assertThat(alarm.violations).isEmpty();
    }

    @Test
    void lappedReaderWithNoKeyframeLeftInTheRingWaitsForTheNextOne() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        stream.publish(frame(0, 0, 0, true, 500, 0));
        assertThat(reader.poll()).isEqualTo(FRAME);
        for (long s = 1; s < 20; s++) {
            stream.publish(frame(0, s, s, false, 500, s));
        }
        assertThat(reader.poll()).isEqualTo(NOTHING);
        assertThat(reader.laps()).isEqualTo(1);
        stream.publish(frame(0, 20, 20, false, 500, 20));
        stream.publish(frame(0, 21, 21, true, 500, 21));
        stream.publish(frame(0, 22, 22, false, 500, 22));

        assertThat(sequencesRead(reader)).containsExactly(21L, 22L);
    }

    @Test
    void firstFrameAfterAnyGapIsAKeyframe() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        List<Long> read = new ArrayList<>();
        long s = 0;
        for (int round = 0; round < 30; round++) {
            int burst = round % 4 == 0 ? 12 : 1; // every fourth round the reader falls a whole ring behind
            for (int i = 0; i < burst; i++, s++) {
                stream.publish(frame(0, s, s, s % 4 == 1, 400, s));
            }
            read.addAll(sequencesRead(reader));
        }
        long previous = -1;
        for (long sequence : read) {
            if (sequence != previous + 1) {
                assertThat(sequence % 4).as("first frame after a gap before %d", sequence).isEqualTo(1);
            }
            previous = sequence;
        }
        assertThat(reader.laps()).isPositive();
    }

    @Test
    void frameLargerThanLimitIsRejectedAndCounted() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        int max = stream.maxPayloadLength();
        assertThat(max).isEqualTo(SMALL / 4 - HEADER_LENGTH);

        assertThat(stream.publish(frame(0, 0, 0, true, max + 1, 0))).isEqualTo(StreamBuffer.REJECTED_TOO_LARGE);
        assertThat(stream.framesRejectedTooLarge()).isEqualTo(1);
        assertThat(stream.framesPublished()).isZero();
        assertThat(reader.poll()).isEqualTo(NOTHING);

        long accepted = stream.publish(frame(0, 1, 1, true, max, 1));
        assertThat(accepted).isNotNegative();
        assertThat(reader.poll()).isEqualTo(FRAME);
        assertThat(reader.frame().payloadLength()).isEqualTo(max);
        assertThat(stream.framesRejectedTooLarge()).isEqualTo(1);
    }

    @Test
    void framesAfterARejectedFrameWaitForTheNextKeyframe() {
        // A rejected frame is a hole in what the camera sent: the delta frames after it cannot be decoded, so a
        // reader must treat it as a gap and resync, exactly as after a lap.
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        stream.publish(frame(0, 0, 0, true, 10, 0));
        stream.publish(frame(0, 1, 1, false, 10, 1));
        assertThat(sequencesRead(reader)).hasSize(2);

        assertThat(stream.publish(frame(0, 2, 2, false, SMALL, 2))).isEqualTo(StreamBuffer.REJECTED_TOO_LARGE);
        stream.publish(frame(0, 3, 3, false, 10, 3));
        stream.publish(frame(0, 4, 4, true, 10, 4));
        stream.publish(frame(0, 5, 5, false, 10, 5));

        List<AccessUnit> read = new ArrayList<>();
        while (reader.poll() == FRAME) {
            read.add(reader.frame().toAccessUnit());
        }
        assertThat(read).extracting(AccessUnit::pts).containsExactly(4L, 5L);
        assertThat(read.getFirst().keyframe()).isTrue();
    }

    @Test
    void publishFromTooSmallSourceThrowsBeforeTouchingTheRing() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        stream.publish(frame(0, 0, 0, true, 10, 0));
        long intent = stream.tailIntentAfterAcquireFence();
        UnsafeBuffer tooSmall = new UnsafeBuffer(new byte[8]);

        assertThatThrownBy(() -> stream.publish(0, 1, 1, false, tooSmall, 0, 100))
                .isInstanceOf(IndexOutOfBoundsException.class);

        assertThat(stream.tailIntentAfterAcquireFence()).isEqualTo(intent);
        assertThat(stream.publish(frame(0, 1, 1, false, 10, 1))).isEqualTo(1);
    }

    @Test
    void sealedStreamDrainsThenEnds() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        for (long s = 0; s < 3; s++) {
            stream.publish(frame(0, s, s, s == 0, 50, s));
        }
        stream.seal();

        assertThat(stream.isSealed()).isTrue();
        assertThat(stream.publish(frame(0, 3, 3, true, 50, 3))).isEqualTo(StreamBuffer.REJECTED_SEALED);
        for (long s = 0; s < 3; s++) {
            assertThat(reader.poll()).isEqualTo(FRAME);
            assertThat(reader.frame().sequence()).isEqualTo(s);
        }
        assertThat(reader.poll()).isEqualTo(END_OF_STREAM);
        assertThat(reader.poll()).isEqualTo(END_OF_STREAM);
        stream.seal(); // idempotent
        assertThat(reader.poll()).isEqualTo(END_OF_STREAM);
        assertThat(stream.framesPublished()).isEqualTo(3);
    }

    @Test
    void readerOpenedAfterSealDrainsFromTheLatestKeyframeThenEnds() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        stream.publish(frame(0, 0, 0, true, 50, 0));
        stream.publish(frame(0, 1, 1, false, 50, 1));
        stream.seal();
        StreamReader reader = stream.openReader(KEY, alarm);

        assertThat(sequencesRead(reader)).containsExactly(0L, 1L);
        assertThat(reader.poll()).isEqualTo(END_OF_STREAM);
    }

    @Test
    void readerOfOtherCameraFailsClosed() {
        assertFailsClosed(new StreamKey("cam-b", KEY.epoch(), KEY.rendition()));
    }

    @Test
    void readerOfOtherEpochFailsClosed() {
        assertFailsClosed(new StreamKey(KEY.cameraId(), KEY.epoch() + 1, KEY.rendition()));
    }

    @Test
    void readerOfOtherRenditionFailsClosed() {
        assertFailsClosed(new StreamKey(KEY.cameraId(), KEY.epoch(), 1));
    }

    @Test
    void closedReaderYieldsNothingMore() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        stream.publish(frame(0, 0, 0, true, 10, 0));
        reader.close();

        assertThat(reader.isClosed()).isTrue();
        assertThat(reader.poll()).isEqualTo(CLOSED);
        assertThat(reader.framesRead()).isZero();
        assertThat(alarm.violations).isEmpty();
    }

    @Test
    void wrapInsertsPaddingAndReadersSkipIt() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        // Four 900-byte records take 4 * 968 = 3872 bytes; the fifth does not fit in the 224 left.
        List<AccessUnit> written = new ArrayList<>();
        List<AccessUnit> read = new ArrayList<>();
        for (long s = 0; s < 5; s++) {
            written.add(frame(0, s, s, s == 0, 900, s));
            stream.publish(written.getLast());
            while (reader.poll() == FRAME) {
                read.add(reader.frame().toAccessUnit());
            }
        }
        UnsafeBuffer memory = stream.memory();
        int paddingIndex = 4 * 968;

        assertThat(memory.getInt(paddingIndex + TYPE_OFFSET)).isEqualTo(TYPE_PADDING);
        assertThat(memory.getInt(paddingIndex + LENGTH_OFFSET)).isEqualTo(SMALL - paddingIndex);
        assertThat(memory.getInt(TYPE_OFFSET)).isEqualTo(TYPE_FRAME);
        assertThat(stream.tailAcquire()).isEqualTo(SMALL + 968);
        assertThat(read).isEqualTo(written);
        assertThat(reader.laps()).isZero();
    }

    @Test
    void recordExactlyFillingTheEndNeedsNoPadding() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        StreamReader reader = stream.openReader(KEY, alarm);
        int quarter = SMALL / 4 - HEADER_LENGTH; // four records of exactly capacity / 4
        for (long s = 0; s < 6; s++) {
            stream.publish(frame(0, s, s, s == 0, quarter, s));
            assertThat(reader.poll()).isEqualTo(FRAME);
            assertThat(reader.frame().sequence()).isEqualTo(s);
        }
        assertThat(stream.tailAcquire()).isEqualTo(6L * SMALL / 4);
        assertThat(stream.memory().getInt(TYPE_OFFSET)).isEqualTo(TYPE_FRAME);
    }

    @Test
    void skippingToAKeyframeIsBoundedPerPoll() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, 1 << 16);
        StreamReader reader = stream.openReader(KEY, alarm);
        int delta = StreamReader.MAX_RECORDS_PER_POLL + 44;
        for (long s = 0; s < delta; s++) {
            stream.publish(frame(0, s, s, false, 8, s));
        }
        stream.publish(frame(0, delta, delta, true, 8, delta));

        assertThat(reader.poll()).isEqualTo(NOTHING);
        assertThat(reader.framesSkipped()).isEqualTo(StreamReader.MAX_RECORDS_PER_POLL);
        assertThat(reader.poll()).isEqualTo(FRAME);
        assertThat(reader.frame().sequence()).isEqualTo(delta);
        assertThat(reader.framesSkipped()).isEqualTo(delta);
    }

    @Test
    void readerCopyBufferGrowsToTheLargestFrame() {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, 1 << 20);
        StreamReader reader = stream.openReader(KEY, alarm);
        int large = stream.maxPayloadLength();
        stream.publish(frame(0, 0, 0, true, 100, 0));
        stream.publish(frame(0, 1, 1, false, large, 1));
        stream.publish(frame(0, 2, 2, false, 100, 2));

        List<AccessUnit> read = new ArrayList<>();
        while (reader.poll() == FRAME) {
            read.add(reader.frame().toAccessUnit());
        }
        assertThat(read).containsExactly(frame(0, 0, 0, true, 100, 0), frame(0, 1, 1, false, large, 1),
                frame(0, 2, 2, false, 100, 2));
    }

    @Test
    void capacityMustBeAPowerOfTwoInRange() {
        assertThatThrownBy(() -> new StreamBuffer(KEY, FORMAT, 5000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamBuffer(KEY, FORMAT, 2048)).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertFailsClosed(StreamKey other) {
        StreamBuffer stream = new StreamBuffer(KEY, FORMAT, SMALL);
        stream.publish(frame(0, 0, 0, true, 10, 0));
        StreamReader reader = stream.openReader(other, alarm);

        assertThat(reader.poll()).isEqualTo(CLOSED);
        assertThat(reader.isClosed()).isTrue();
        assertThat(reader.framesRead()).isZero();
        assertThat(alarm.violations).hasSize(1);
        assertThat(alarm.violations.getFirst()).startsWith(other + " at stream-buffer-reader");
        stream.publish(frame(0, 1, 1, true, 10, 1));
        assertThat(reader.poll()).isEqualTo(CLOSED);
        assertThat(alarm.violations).hasSize(1);
    }

    private static AccessUnit frame(int track, long pts, long dts, boolean keyframe, int size, long sequence) {
        return new AccessUnit(track, pts, dts, keyframe, SelfCheckingPayload.bytes(size, sequence));
    }

    private static List<Long> sequencesRead(StreamReader reader) {
        List<Long> sequences = new ArrayList<>();
        while (reader.poll() == FRAME) {
            assertThat(SelfCheckingPayload.isWhole(reader.frame().buffer(), reader.frame().payloadOffset(),
                    reader.frame().payloadLength(), reader.frame().sequence())).isTrue();
            sequences.add(reader.frame().sequence());
        }
        return sequences;
    }
}
