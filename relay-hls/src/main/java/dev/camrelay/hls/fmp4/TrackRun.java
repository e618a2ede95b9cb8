package dev.camrelay.hls.fmp4;

import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * The samples of one track waiting to go into the next media fragment, with their payloads copied into memory the
 * run owns. A sample's duration is the distance to the next sample's decode time, so the newest sample stays
 * <em>open</em> until its successor arrives or {@link #closeAt(long)} gives the end time; only the closed samples
 * ({@link #closedCount()}) are written by {@link FragmentWriter}, and {@link #removeClosed()} keeps the open one for
 * the next fragment.
 *
 * <p><b>Threading contract:</b> single-threaded; owned by one muxer. Arrays and payload memory grow to the largest
 * fragment seen and are then reused, so appending allocates nothing in steady state.
 */
public final class TrackRun {

    /** {@link #append}: the sample was added. */
    public static final int APPENDED = 0;
    /** {@link #append}: rejected because its decode time is before the previous sample's (source glitch). */
    public static final int REJECTED_DTS_BACKWARDS = -1;

    private static final int INITIAL_SAMPLES = 64;

    private final int trackId;
    private final ExpandableArrayBuffer payload;
    private long[] dts = new long[INITIAL_SAMPLES];
    private int[] compositionOffset = new int[INITIAL_SAMPLES];
    private int[] size = new int[INITIAL_SAMPLES];
    private boolean[] sync = new boolean[INITIAL_SAMPLES];
    private int count;
    private int payloadLength;
    private long endDts = -1;
    private long lastDts = Long.MIN_VALUE;
    private long lastDuration = -1;

    /**
     * @param trackId         the MP4 track_ID (stream track index + 1)
     * @param initialCapacity initial payload memory in bytes
     */
    public TrackRun(int trackId, int initialCapacity) {
        this.trackId = trackId;
        this.payload = new ExpandableArrayBuffer(initialCapacity);
    }

    public int trackId() {
        return trackId;
    }

    /**
     * Adds a sample, closing the previous one.
     *
     * @return {@link #APPENDED} or {@link #REJECTED_DTS_BACKWARDS}
     */
    public int append(long decodeTime, long presentationTime, boolean isSync, DirectBuffer src, int offset,
                      int length) {
        if (decodeTime < lastDts) {
            return REJECTED_DTS_BACKWARDS;
        }
        if (count == dts.length) {
            grow();
        }
        dts[count] = decodeTime;
        compositionOffset[count] = (int) Math.max(Integer.MIN_VALUE,
                Math.min(Integer.MAX_VALUE, presentationTime - decodeTime));
        size[count] = length;
        sync[count] = isSync;
        payload.putBytes(payloadLength, src, offset, length);
        payloadLength += length;
        count++;
        if (lastDts != Long.MIN_VALUE) {
            lastDuration = decodeTime - lastDts;
        }
        lastDts = decodeTime;
        endDts = -1;
        return APPENDED;
    }

    /** Closes the newest sample: it lasts until {@code decodeTime} (the next sample's, known from elsewhere). */
    public void closeAt(long decodeTime) {
        if (count > 0) {
            endDts = Math.max(decodeTime, dts[count - 1]);
        }
    }

    /**
     * Closes the newest sample with the same duration as the one before it (end of stream), or with
     * {@code fallback} ticks if there was none.
     */
    public void closeWithLastDuration(long fallback) {
        if (count > 0) {
            closeAt(dts[count - 1] + (lastDuration >= 0 ? lastDuration : fallback));
        }
    }

    /** Decode-time distance between the two newest samples ever appended, or -1 if fewer than two. */
    public long lastDuration() {
        return lastDuration;
    }

    /** Samples in the run, open or closed. */
    public int count() {
        return count;
    }

    /** Samples whose duration is known and that the next fragment will carry. */
    public int closedCount() {
        return endDts >= 0 ? count : Math.max(0, count - 1);
    }

    public long decodeTime(int i) {
        return dts[i];
    }

    /** Decode time of the first open sample (or the end of the closed ones), or -1 if empty. */
    public long nextDecodeTime() {
        final int closed = closedCount();
        if (closed < count) {
            return dts[closed];
        }
        return count == 0 ? -1 : endDts;
    }

    public int duration(int i) {
        final long next = i + 1 < count ? dts[i + 1] : endDts;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, next - dts[i]));
    }

    public int compositionOffset(int i) {
        return compositionOffset[i];
    }

    public int size(int i) {
        return size[i];
    }

    public boolean isSync(int i) {
        return sync[i];
    }

    /** Total duration of the closed samples, in the track's timescale. */
    public long closedDuration() {
        final int closed = closedCount();
        return closed == 0 ? 0 : (closed < count ? dts[closed] : endDts) - dts[0];
    }

    /** Payload bytes of the closed samples. */
    public int closedPayloadLength() {
        final int closed = closedCount();
        return closed < count ? payloadLength - size[count - 1] : payloadLength;
    }

    DirectBuffer payload() {
        return payload;
    }

    /** Drops the closed samples (after they were written); an open sample moves to the front. */
    public void removeClosed() {
        final int closed = closedCount();
        if (closed == count) {
            count = 0;
            payloadLength = 0;
            endDts = -1;
            return;
        }
        final int openLength = size[count - 1];
        payload.putBytes(0, payload, payloadLength - openLength, openLength);
        dts[0] = dts[count - 1];
        compositionOffset[0] = compositionOffset[count - 1];
        size[0] = openLength;
        sync[0] = sync[count - 1];
        count = 1;
        payloadLength = openLength;
    }

    /** Forgets everything, including the monotonic-DTS check (a new epoch or a resync). */
    public void clear() {
        count = 0;
        payloadLength = 0;
        endDts = -1;
        lastDts = Long.MIN_VALUE;
        lastDuration = -1;
    }

    private void grow() {
        final int n = dts.length * 2;
        dts = Arrays.copyOf(dts, n);
        compositionOffset = Arrays.copyOf(compositionOffset, n);
        size = Arrays.copyOf(size, n);
        sync = Arrays.copyOf(sync, n);
    }
}
