package dev.camrelay.core.buffer;

import static dev.camrelay.core.buffer.StreamBufferDescriptor.DTS_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.FLAGS_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.FLAG_KEYFRAME;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.HEADER_LENGTH;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.PAYLOAD_LENGTH_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.PTS_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.ARRIVAL_MICROS_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.SEQUENCE_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TRACK_OFFSET;

import dev.camrelay.core.media.AccessUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Flyweight over a reader's private copy of one validated record. Owned by one {@link StreamReader}; valid until
 * that reader's next poll.
 */
public final class FrameView {

    private UnsafeBuffer record;

    void wrap(UnsafeBuffer copy) {
        this.record = copy;
    }

    public long sequence() {
        return record.getLong(SEQUENCE_OFFSET);
    }

    public int track() {
        return record.getShort(TRACK_OFFSET);
    }

    public boolean isKeyframe() {
        return (record.getShort(FLAGS_OFFSET) & FLAG_KEYFRAME) != 0;
    }

    public long pts() {
        return record.getLong(PTS_OFFSET);
    }

    public long dts() {
        return record.getLong(DTS_OFFSET);
    }

    /**
     * When the frame arrived at the relay: the ingest's {@code System.nanoTime() / 1000}, low 32 bits; subtract
     * another such value as an {@code int} for an elapsed time.
     */
    public int arrivalMicros() {
        return record.getInt(ARRIVAL_MICROS_OFFSET);
    }

    /** The buffer holding the payload at {@link #payloadOffset()}; the reader's own memory, never the ring. */
    public DirectBuffer buffer() {
        return record;
    }

    public int payloadOffset() {
        return HEADER_LENGTH;
    }

    public int payloadLength() {
        return record.getInt(PAYLOAD_LENGTH_OFFSET);
    }

    /** Copies the payload out (allocates; for tests and control-plane use). */
    public byte[] payloadBytes() {
        byte[] out = new byte[payloadLength()];
        record.getBytes(HEADER_LENGTH, out);
        return out;
    }

    /** Copies this frame into an immutable value (allocates; for tests and control-plane use). */
    public AccessUnit toAccessUnit() {
        return new AccessUnit(track(), pts(), dts(), isKeyframe(), payloadBytes());
    }
}
