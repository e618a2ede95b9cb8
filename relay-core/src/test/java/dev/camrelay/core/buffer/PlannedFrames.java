package dev.camrelay.core.buffer;

import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A stream whose every field (length, keyframe flag, track, PTS, DTS, payload) is a pure function of
 * (seed, sequence): a writer thread publishes it and reader threads check each frame they are handed without
 * sharing any state with the writer. Keyframes fall at random, about one in {@code keyframeEvery}; sequence 0 is
 * always one.
 */
final class PlannedFrames {

    static final StreamKey KEY = new StreamKey("cam-1", 7, StreamKey.SOURCE_RENDITION);
    static final StreamFormat FORMAT = new StreamFormat(List.of());

    private final long seed;
    private final int maxPayload;
    private final int keyframeEvery;
    private final UnsafeBuffer source;

    PlannedFrames(long seed, int maxPayload, int keyframeEvery) {
        this.seed = seed;
        this.maxPayload = maxPayload;
        this.keyframeEvery = keyframeEvery;
        this.source = new UnsafeBuffer(new byte[maxPayload]);
    }

    int length(long sequence) {
        // Mostly small frames with an occasional large one, as a camera's P-frames and IDRs; large ones force wraps.
        long h = SelfCheckingPayload.mix(seed ^ (sequence * 0x632BE59BD9B4E019L));
        int bound = (h & 7) == 0 ? maxPayload + 1 : Math.max(1, maxPayload / 8);
        return (int) ((h >>> 8) % bound);
    }

    boolean keyframe(long sequence) {
        return sequence == 0 || SelfCheckingPayload.mix(seed + sequence) % keyframeEvery == 0;
    }

    int track(long sequence) {
        return (int) (sequence % 3);
    }

    long pts(long sequence) {
        return sequence * 3000 + seed % 1000;
    }

    long dts(long sequence) {
        return pts(sequence) - (sequence & 1);
    }

    /** Publishes frame {@code sequence}; writer thread only. */
    long publish(StreamBuffer stream, long sequence) {
        int length = length(sequence);
        SelfCheckingPayload.fill(source, 0, length, sequence);
        return stream.publish(track(sequence), pts(sequence), dts(sequence), keyframe(sequence), source, 0, length);
    }

    /** @return null when {@code frame} is exactly planned frame {@code frame.sequence()}, else what differs */
    String mismatch(FrameView frame) {
        long sequence = frame.sequence();
        if (frame.payloadLength() != length(sequence)) {
            return "seq " + sequence + " length " + frame.payloadLength() + " != " + length(sequence);
        }
        if (!SelfCheckingPayload.isWhole(frame.buffer(), frame.payloadOffset(), frame.payloadLength(), sequence)) {
            return "seq " + sequence + " torn payload";
        }
        if (frame.isKeyframe() != keyframe(sequence) || frame.track() != track(sequence)
                || frame.pts() != pts(sequence) || frame.dts() != dts(sequence)) {
            return "seq " + sequence + " header differs: key=" + frame.isKeyframe() + " track=" + frame.track()
                    + " pts=" + frame.pts() + " dts=" + frame.dts();
        }
        return null;
    }
}
