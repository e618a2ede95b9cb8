package dev.camrelay.jcstress;

import dev.camrelay.core.buffer.FrameView;
import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.isolation.IsolationAlarm;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The stream every test writes: {@link #FRAMES} frames whose payload bytes and header fields are pure functions of
 * the sequence, precomputed once and shared read-only, so an actor can tell a whole frame from a torn one without
 * talking to the writer. Frames are {@link #PAYLOAD_LENGTH} bytes, so a 4 KiB ring holds four and the fifth wraps.
 */
final class PlannedStream {

    static final StreamKey KEY = new StreamKey("jcstress-cam", 1, StreamKey.SOURCE_RENDITION);
    static final int CAPACITY = 4096;
    static final int FRAMES = 16;
    static final int PAYLOAD_LENGTH = 900;
    /** Polls a reader actor makes at most: bounded, so an actor never waits for another. */
    static final int POLLS = 64;

    /** Any call is a failure: no test reads another stream. Thread-safe (stateless). */
    static final IsolationAlarm NO_VIOLATIONS = (expected, where, detail) -> {
        throw new AssertionError("isolation violation " + where + ": " + detail);
    };

    private static final StreamFormat FORMAT = new StreamFormat(List.of());
    private static final UnsafeBuffer[] PAYLOADS = new UnsafeBuffer[FRAMES];

    static {
        for (int s = 0; s < FRAMES; s++) {
            byte[] bytes = new byte[PAYLOAD_LENGTH];
            for (int i = 0; i < PAYLOAD_LENGTH; i++) {
                bytes[i] = (byte) (mix(s * 0x9E3779B97F4A7C15L + (i >>> 3) + 1) >>> ((i & 7) * 8));
            }
            PAYLOADS[s] = new UnsafeBuffer(bytes);
        }
    }

    static StreamBuffer newStream() {
        return new StreamBuffer(KEY, FORMAT, CAPACITY);
    }

    static StreamReader openReader(StreamBuffer stream) {
        return stream.openReader(KEY, NO_VIOLATIONS);
    }

    /** Publishes frame {@code sequence}, a keyframe when {@code keyframe}; writer actor only. */
    static void publish(StreamBuffer stream, int sequence, boolean keyframe) {
        long published = stream.publish(sequence % 2, pts(sequence), pts(sequence) - 1, keyframe,
                PAYLOADS[sequence], 0, PAYLOAD_LENGTH);
        if (published != sequence) {
            throw new AssertionError("publish of " + sequence + " returned " + published);
        }
    }

    /** True when {@code frame} is exactly planned frame {@code frame.sequence()}: header and every payload byte. */
    static boolean isWhole(FrameView frame) {
        long sequence = frame.sequence();
        if (sequence < 0 || sequence >= FRAMES || frame.payloadLength() != PAYLOAD_LENGTH
                || frame.pts() != pts(sequence) || frame.dts() != pts(sequence) - 1
                || frame.track() != sequence % 2) {
            return false;
        }
        UnsafeBuffer expected = PAYLOADS[(int) sequence];
        for (int i = 0; i < PAYLOAD_LENGTH; i += 4) {
            if (frame.buffer().getInt(frame.payloadOffset() + i) != expected.getInt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long pts(long sequence) {
        return 1_000_000L + sequence * 3_000L;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private PlannedStream() {
    }
}
