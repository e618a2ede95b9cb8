package dev.camrelay.rtsp.depacketize;

import dev.camrelay.core.buffer.StreamBuffer;
import org.agrona.DirectBuffer;

/**
 * Threading: called on the depacketizer's thread (the track's receive thread), which must be the only writer
 * of a {@link StreamBuffer} plugged in with {@link #of(StreamBuffer)}.
 *
 * <p>Where a depacketizer delivers whole access units: AVCC video (4-byte big-endian length before each NAL unit,
 * parameter sets in-band on keyframes) or one raw audio frame. The bytes are valid only during the call; the
 * depacketizer reuses its buffer for the next access unit.
 */
@FunctionalInterface
public interface AccessUnitSink {

    /**
     * @param pts      presentation time in the track's RTP clock, unwrapped to 64 bits
     * @param dts      decode time; RTP carries none, so depacketizers pass {@code pts}
     * @param keyframe true for an H.264 IDR or H.265 IRAP access unit (audio: as configured)
     */
    void onAccessUnit(int track, long pts, long dts, boolean keyframe, DirectBuffer buffer, int offset, int length);

    /**
     * The packet about to be handed to the depacketizers arrived at {@code nowNanos} ({@link System#nanoTime()}): the
     * access units it completes arrived then. The receive path calls it before each packet; a sink that publishes
     * stamps those units with it rather than reading the clock again. Ignored by default.
     */
    default void arrivedAt(long nowNanos) {
    }

    /** A sink that publishes into a stream buffer; rejected frames are counted by the buffer itself. */
    static AccessUnitSink of(StreamBuffer streamBuffer) {
        return streamBuffer::publish;
    }
}
