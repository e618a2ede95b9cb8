package dev.camrelay.core.buffer;

import static dev.camrelay.core.buffer.StreamBufferDescriptor.BYTES_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.CAMERA_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.DTS_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.EPOCH_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.FLAGS_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.FLAG_KEYFRAME;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.FRAMES_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.HEADER_LENGTH;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.LATEST_KEYFRAME_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.LENGTH_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.PAYLOAD_LENGTH_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.PTS_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.ARRIVAL_MICROS_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.REJECTED_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.RENDITION_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.SEALED_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.SEQUENCE_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TAIL_INTENT_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TAIL_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TRACK_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TRAILER_LENGTH;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TYPE_FRAME;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TYPE_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TYPE_PADDING;

import dev.camrelay.core.isolation.IsolationAlarm;
import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import java.lang.invoke.VarHandle;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One stream's media: an off-heap ring of whole access units, written by exactly one thread and read by any number
 * of {@link StreamReader}s, each on its own thread. The writer never waits for readers; a reader that falls a whole
 * ring behind is lapped, notices it, and resumes at a keyframe.
 *
 * <p><b>Threading contract.</b> Only one thread may call {@link #publish} and {@link #seal} (the camera's ingest
 * thread). {@link #openReader} and the monitoring getters ({@link #framesPublished()} etc.) are thread-safe. Each
 * {@link StreamReader} is confined to the thread that polls it.
 *
 * <p><b>Memory ordering</b> (after Agrona's {@code BroadcastTransmitter}):
 * <ol>
 * <li>the writer stores the new <i>tail intent</i> with release semantics and then issues a
 * {@link VarHandle#releaseFence()}, so no byte of the record can become visible before a reader can learn that the
 * region is being overwritten;</li>
 * <li>the writer stores header and payload with plain stores;</li>
 * <li>for a keyframe, the writer stores the <i>latest keyframe</i> position with release semantics;</li>
 * <li>the writer stores the new <i>tail</i> with release semantics, publishing the record.</li>
 * </ol>
 * A reader loads the tail with acquire semantics (so the record's bytes are visible), copies the record into its
 * own memory with plain loads, issues {@link VarHandle#acquireFence()}, then loads the tail intent: if the intent is
 * within one capacity of the record's position, no store of a later record can have touched the bytes it copied,
 * and the copy is whole. Otherwise the reader was lapped and discards the copy.
 *
 * <p><b>Isolation.</b> The memory is this stream's own direct allocation, never pooled or shared with another
 * stream, and it is never freed explicitly: it goes back to the system when the last reader lets go of the buffer,
 * so no reader can ever see memory reused for another camera. Every record is stamped with this stream's camera
 * fingerprint, epoch and rendition; readers check them before handing a frame out.
 */
public final class StreamBuffer {

    /**
     * {@link #publish} result: the frame is larger than {@link #maxPayloadLength()}; counted, nothing written. Its
     * sequence number is still used up, so readers see the hole and resync at the next keyframe: the frames after a
     * missing one cannot be decoded.
     */
    public static final long REJECTED_TOO_LARGE = -1;
    /** {@link #publish} result: the buffer was sealed (end of epoch); nothing written. */
    public static final long REJECTED_SEALED = -2;

    private final StreamKey key;
    private final StreamFormat format;
    private final long cameraFingerprint;
    private final int capacity;
    private final int mask;
    private final int maxPayloadLength;
    private final UnsafeBuffer buffer;
    private final int trailer;

    // Writer-owned state (single writer; plain fields).
    private long writerTail;
    private long writerSequence;
    private long writerFrames;
    private long writerBytes;
    private long writerRejected;
    private boolean writerSealed;

    /**
     * @param key      the stream's provenance, stamped into every record
     * @param format   the tracks of this stream
     * @param capacity data region size in bytes, a power of two (see {@link StreamBufferDescriptor#checkCapacity})
     */
    public StreamBuffer(StreamKey key, StreamFormat format, int capacity) {
        StreamBufferDescriptor.checkCapacity(capacity);
        this.key = key;
        this.format = format;
        this.cameraFingerprint = key.cameraFingerprint();
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxPayloadLength = StreamBufferDescriptor.maxPayloadLength(capacity);
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity + TRAILER_LENGTH, 128));
        this.trailer = capacity;
        buffer.putLongRelease(trailer + LATEST_KEYFRAME_OFFSET, -1L);
    }

    public StreamKey key() {
        return key;
    }

    public StreamFormat format() {
        return format;
    }

    public int capacity() {
        return capacity;
    }

    public int maxPayloadLength() {
        return maxPayloadLength;
    }

    /**
     * Publishes one whole access unit that arrived now: {@link #publish(int, long, long, boolean, DirectBuffer, int,
     * int, long)} with {@link System#nanoTime()} as its arrival time. For writers that have not read the clock
     * already (the demo camera, tests); a network ingest passes the time its packet arrived.
     */
    public long publish(int track, long pts, long dts, boolean keyframe, DirectBuffer src, int offset, int length) {
        return publish(track, pts, dts, keyframe, src, offset, length, System.nanoTime());
    }

    /**
     * Publishes one whole access unit. Writer thread only. Never blocks and never allocates.
     *
     * @param arrivalNanos when the frame arrived at the relay ({@link System#nanoTime()}: the receive path reads the
     *                     clock per packet anyway, so the ring does not read it again); egress measures its latency
     *                     from it
     * @return the frame's sequence number (from 0), or {@link #REJECTED_TOO_LARGE} / {@link #REJECTED_SEALED}
     * @throws IndexOutOfBoundsException if {@code src} does not hold {@code length} bytes at {@code offset} (misuse;
     *                                   checked before the ring is touched)
     */
    public long publish(int track, long pts, long dts, boolean keyframe, DirectBuffer src, int offset, int length,
                        long arrivalNanos) {
        if (writerSealed) {
            return REJECTED_SEALED;
        }
        if (length < 0 || length > maxPayloadLength) {
            writerSequence++;
            writerRejected++;
            buffer.putLongRelease(trailer + REJECTED_OFFSET, writerRejected);
            return REJECTED_TOO_LARGE;
        }
        // Checked here, not by putBytes below: once the tail intent has moved, a throw would leave bytes overwritten
        // beyond an intent that the next publish may lower again, and a lagging reader would accept a torn copy.
        src.boundsCheck(offset, length);
        final int recordLength = HEADER_LENGTH + length;
        final int alignedLength = StreamBufferDescriptor.align(recordLength);
        long recordPosition = writerTail;
        int index = (int) recordPosition & mask;
        final int toEnd = capacity - index;
        final boolean wrap = toEnd < alignedLength;
        final long newTail = recordPosition + alignedLength + (wrap ? toEnd : 0);

        buffer.putLongRelease(trailer + TAIL_INTENT_OFFSET, newTail);
        VarHandle.releaseFence();

        if (wrap) {
            buffer.putInt(index + LENGTH_OFFSET, toEnd);
            buffer.putInt(index + TYPE_OFFSET, TYPE_PADDING);
            recordPosition += toEnd;
            index = 0;
        }
        final long sequence = writerSequence;
        buffer.putInt(index + LENGTH_OFFSET, recordLength);
        buffer.putInt(index + TYPE_OFFSET, TYPE_FRAME);
        buffer.putLong(index + SEQUENCE_OFFSET, sequence);
        buffer.putLong(index + CAMERA_OFFSET, cameraFingerprint);
        buffer.putLong(index + EPOCH_OFFSET, key.epoch());
        buffer.putInt(index + RENDITION_OFFSET, key.rendition());
        buffer.putShort(index + FLAGS_OFFSET, keyframe ? FLAG_KEYFRAME : 0);
        buffer.putShort(index + TRACK_OFFSET, (short) track);
        buffer.putLong(index + PTS_OFFSET, pts);
        buffer.putLong(index + DTS_OFFSET, dts);
        buffer.putInt(index + PAYLOAD_LENGTH_OFFSET, length);
        buffer.putInt(index + ARRIVAL_MICROS_OFFSET, (int) (arrivalNanos / 1000));
        buffer.putBytes(index + HEADER_LENGTH, src, offset, length);

        if (keyframe) {
            buffer.putLongRelease(trailer + LATEST_KEYFRAME_OFFSET, recordPosition);
        }
        buffer.putLongRelease(trailer + TAIL_OFFSET, newTail);

        writerTail = newTail;
        writerSequence = sequence + 1;
        writerFrames++;
        writerBytes += length;
        buffer.putLongOpaque(trailer + FRAMES_OFFSET, writerFrames);
        buffer.putLongOpaque(trailer + BYTES_OFFSET, writerBytes);
        return sequence;
    }

    /** Convenience for tests and the demo loader: publishes a heap access unit (allocates a wrapper). */
    public long publish(AccessUnit au) {
        byte[] payload = au.payload();
        return publish(au.track(), au.pts(), au.dts(), au.keyframe(), new UnsafeBuffer(payload), 0, payload.length);
    }

    /**
     * Ends this epoch: no further frame is accepted; readers drain what is there and then get
     * {@link StreamReader#END_OF_STREAM}. Writer thread only. Idempotent.
     */
    public void seal() {
        writerSealed = true;
        buffer.putIntRelease(trailer + SEALED_OFFSET, 1);
    }

    public boolean isSealed() {
        return buffer.getIntAcquire(trailer + SEALED_OFFSET) == 1;
    }

    /**
     * Opens a reader that checks every frame against {@code expected} and reports mismatches to {@code alarm}. The
     * reader starts at the newest keyframe if one is still in the ring, else at the next keyframe published.
     *
     * <p>Only {@code dev.camrelay.core.session} calls this (enforced by an architecture test): egress obtains readers
     * through a viewer session, never by naming a stream.
     */
    public StreamReader openReader(StreamKey expected, IsolationAlarm alarm) {
        return new StreamReader(this, expected, alarm);
    }

    public long framesPublished() {
        return buffer.getLongOpaque(trailer + FRAMES_OFFSET);
    }

    public long bytesPublished() {
        return buffer.getLongOpaque(trailer + BYTES_OFFSET);
    }

    public long framesRejectedTooLarge() {
        return buffer.getLongOpaque(trailer + REJECTED_OFFSET);
    }

    // --- reader-side access (package-private; used by StreamReader only) ---

    UnsafeBuffer memory() {
        return buffer;
    }

    int mask() {
        return mask;
    }

    long tailAcquire() {
        return buffer.getLongAcquire(trailer + TAIL_OFFSET);
    }

    long tailIntentAfterAcquireFence() {
        VarHandle.acquireFence();
        return buffer.getLongVolatile(trailer + TAIL_INTENT_OFFSET);
    }

    long latestKeyframeAcquire() {
        return buffer.getLongAcquire(trailer + LATEST_KEYFRAME_OFFSET);
    }

    @Override
    public String toString() {
        return "StreamBuffer[" + key + ", capacity=" + capacity + "]";
    }
}
