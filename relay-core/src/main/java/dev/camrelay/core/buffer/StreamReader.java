package dev.camrelay.core.buffer;

import static dev.camrelay.core.buffer.StreamBufferDescriptor.CAMERA_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.EPOCH_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.HEADER_LENGTH;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.LENGTH_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.RENDITION_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.SEQUENCE_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TYPE_FRAME;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TYPE_OFFSET;
import static dev.camrelay.core.buffer.StreamBufferDescriptor.TYPE_PADDING;

import dev.camrelay.core.isolation.IsolationAlarm;
import dev.camrelay.core.media.StreamKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A cursor over one {@link StreamBuffer} that copies each whole record into its own memory, validates that the copy
 * was not overwritten meanwhile, checks the record's provenance, and only then exposes it as {@link #frame()}.
 *
 * <p><b>Threading contract.</b> {@link #poll()}, {@link #frame()} and {@link #close()} are for the one thread that
 * owns this reader. The counters ({@link #framesRead()}, {@link #laps()}, {@link #framesSkipped()}) and
 * {@link #isClosed()} may be read from a monitoring thread.
 *
 * <p><b>Guarantees.</b> Every frame {@link #poll()} yields is a whole record written to this reader's stream, in
 * publication order; after any gap (a lap, a frame the writer rejected, or a reader opened mid-stream) the first
 * frame yielded is a keyframe.
 * A record whose camera fingerprint, epoch or rendition differs from the key the reader was opened for is never
 * yielded: the reader reports it to the {@link IsolationAlarm} and closes itself (fail closed).
 */
public final class StreamReader implements AutoCloseable {

    /** {@link #poll()}: a frame was copied out and validated; read it through {@link #frame()}. */
    public static final int FRAME = 1;
    /** {@link #poll()}: nothing new yet. */
    public static final int NOTHING = 0;
    /** {@link #poll()}: the stream was sealed and everything in it has been read; move to the next epoch. */
    public static final int END_OF_STREAM = -1;
    /** {@link #poll()}: the reader is closed (by its owner, or after an isolation violation). */
    public static final int CLOSED = -2;

    /** Records examined per poll at most, so one call is bounded even while skipping to a keyframe. */
    static final int MAX_RECORDS_PER_POLL = 256;
    private static final int INITIAL_SCRATCH = 64 * 1024;

    private static final VarHandle FRAMES_READ;
    private static final VarHandle LAPS;
    private static final VarHandle SKIPPED;
    private static final VarHandle CLOSED_FLAG;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FRAMES_READ = lookup.findVarHandle(StreamReader.class, "framesRead", long.class);
            LAPS = lookup.findVarHandle(StreamReader.class, "laps", long.class);
            SKIPPED = lookup.findVarHandle(StreamReader.class, "skipped", long.class);
            CLOSED_FLAG = lookup.findVarHandle(StreamReader.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final StreamBuffer stream;
    private final StreamKey expected;
    private final long expectedFingerprint;
    private final IsolationAlarm alarm;
    private final UnsafeBuffer memory;
    private final int mask;
    private final long capacity;
    private final int maxRecordLength;
    private final FrameView frame;

    private UnsafeBuffer scratch;
    private long cursor;
    private long lastSequence = -1;
    private boolean needKeyframe = true;

    @SuppressWarnings("unused") private long framesRead;
    @SuppressWarnings("unused") private long laps;
    @SuppressWarnings("unused") private long skipped;
    @SuppressWarnings("unused") private boolean closed;

    StreamReader(StreamBuffer stream, StreamKey expected, IsolationAlarm alarm) {
        this.stream = stream;
        this.expected = expected;
        this.expectedFingerprint = expected.cameraFingerprint();
        this.alarm = alarm;
        this.memory = stream.memory();
        this.mask = stream.mask();
        this.capacity = stream.capacity();
        this.maxRecordLength = HEADER_LENGTH + stream.maxPayloadLength();
        this.scratch = new UnsafeBuffer(new byte[Math.min(INITIAL_SCRATCH, maxRecordLength)]);
        this.frame = new FrameView();
        this.frame.wrap(scratch);
        seekToLatestKeyframe(stream.tailAcquire());
    }

    /** The key this reader checks every frame against. */
    public StreamKey expectedKey() {
        return expected;
    }

    /**
     * Moves to the next whole frame. Never blocks, never allocates in steady state (the copy buffer only grows to
     * the largest frame seen), and never throws for lapping.
     *
     * @return {@link #FRAME}, {@link #NOTHING}, {@link #END_OF_STREAM} or {@link #CLOSED}
     */
    public int poll() {
        if ((boolean) CLOSED_FLAG.getOpaque(this)) {
            return CLOSED;
        }
        for (int examined = 0; examined < MAX_RECORDS_PER_POLL; examined++) {
            final boolean sealed = stream.isSealed();
            final long tail = stream.tailAcquire();
            if (cursor >= tail) {
                return sealed ? END_OF_STREAM : NOTHING;
            }
            final int index = (int) cursor & mask;
            final int length = memory.getInt(index + LENGTH_OFFSET);
            final int type = memory.getInt(index + TYPE_OFFSET);
            if (lapped()) {
                onLapped(tail);
                continue;
            }
            if (type == TYPE_PADDING) {
                cursor += length;
                continue;
            }
            if (type != TYPE_FRAME || length < HEADER_LENGTH || length > maxRecordLength) {
                // Validated yet malformed: memory corruption, not lapping. Never guess; fail closed.
                return failClosed("corrupt record type=" + type + " length=" + length + " at " + cursor);
            }
            ensureScratch(length);
            memory.getBytes(index, scratch, 0, length);
            if (lapped()) {
                onLapped(tail);
                continue;
            }
            cursor += StreamBufferDescriptor.align(length);

            if (scratch.getLong(CAMERA_OFFSET) != expectedFingerprint
                    || scratch.getLong(EPOCH_OFFSET) != expected.epoch()
                    || scratch.getInt(RENDITION_OFFSET) != expected.rendition()) {
                return failClosed("camera=" + Long.toHexString(scratch.getLong(CAMERA_OFFSET))
                        + " epoch=" + scratch.getLong(EPOCH_OFFSET)
                        + " rendition=" + scratch.getInt(RENDITION_OFFSET)
                        + " seq=" + scratch.getLong(SEQUENCE_OFFSET));
            }
            final long sequence = scratch.getLong(SEQUENCE_OFFSET);
            if (lastSequence >= 0 && sequence != lastSequence + 1) {
                needKeyframe = true;
            }
            lastSequence = sequence;
            if (needKeyframe && !frame.isKeyframe()) {
                SKIPPED.setOpaque(this, (long) SKIPPED.getOpaque(this) + 1);
                continue;
            }
            needKeyframe = false;
            FRAMES_READ.setOpaque(this, (long) FRAMES_READ.getOpaque(this) + 1);
            return FRAME;
        }
        return NOTHING;
    }

    /** The frame of the last {@link #poll()} that returned {@link #FRAME}; valid until the next poll. */
    public FrameView frame() {
        return frame;
    }

    /** Bytes behind the writer's newest frame, for monitoring lag (approximate; 0 when caught up). */
    public long bytesBehind() {
        return Math.max(0, stream.tailAcquire() - cursor);
    }

    @Override
    public void close() {
        CLOSED_FLAG.setRelease(this, true);
    }

    public boolean isClosed() {
        return (boolean) CLOSED_FLAG.getOpaque(this);
    }

    public long framesRead() {
        return (long) FRAMES_READ.getOpaque(this);
    }

    public long laps() {
        return (long) LAPS.getOpaque(this);
    }

    public long framesSkipped() {
        return (long) SKIPPED.getOpaque(this);
    }

    private boolean lapped() {
        return stream.tailIntentAfterAcquireFence() - cursor > capacity;
    }

    private void onLapped(long tail) {
        LAPS.setOpaque(this, (long) LAPS.getOpaque(this) + 1);
        seekToLatestKeyframe(tail);
    }

    private void seekToLatestKeyframe(long tail) {
        final long keyframe = stream.latestKeyframeAcquire();
        final long intent = stream.tailIntentAfterAcquireFence();
        cursor = (keyframe >= 0 && intent - keyframe <= capacity) ? keyframe : tail;
        needKeyframe = true;
        lastSequence = -1;
    }

    private int failClosed(String detail) {
        close();
        alarm.violation(expected, "stream-buffer-reader", detail);
        return CLOSED;
    }

    private void ensureScratch(int length) {
        if (scratch.capacity() < length) {
            int size = scratch.capacity();
            while (size < length) {
                size = Math.min(size * 2, maxRecordLength);
            }
            scratch = new UnsafeBuffer(new byte[size]);
            frame.wrap(scratch);
        }
    }
}
