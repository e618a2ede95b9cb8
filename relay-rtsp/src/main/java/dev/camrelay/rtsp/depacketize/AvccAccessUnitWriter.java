package dev.camrelay.rtsp.depacketize;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: confined to the owning depacketizer's thread. Allocates only when an access unit is larger than
 * any before (up to the limit).
 *
 * <p>Builds one AVCC access unit (ISO/IEC 14496-15: each NAL unit prefixed by its 4-byte big-endian length) in a
 * reused buffer. Room is kept in front of the first NAL unit so parameter sets can be prepended to a keyframe that
 * lacks them without moving the access unit.
 */
final class AvccAccessUnitWriter {

    static final int LENGTH_PREFIX = 4;
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private final int prefixRoom;
    private final int maxLength;
    private final int maxNals;
    private final UnsafeBuffer buffer;
    private int start;
    private int end;
    private int nalCount;
    private int openNal = -1;

    AvccAccessUnitWriter(int prefixRoom, int maxLength, int maxNals) {
        this.prefixRoom = prefixRoom;
        this.maxLength = maxLength;
        this.maxNals = maxNals;
        this.buffer = new UnsafeBuffer(new byte[prefixRoom + Math.min(INITIAL_CAPACITY, maxLength)]);
        reset();
    }

    void reset() {
        start = prefixRoom;
        end = prefixRoom;
        nalCount = 0;
        openNal = -1;
    }

    /** @return false if the access unit would exceed its length or NAL count limit; nothing is written then */
    boolean appendNal(DirectBuffer src, int offset, int length) {
        if (nalCount >= maxNals || !ensure(LENGTH_PREFIX + length)) {
            return false;
        }
        buffer.putInt(end, length, ByteOrder.BIG_ENDIAN);
        buffer.putBytes(end + LENGTH_PREFIX, src, offset, length);
        end += LENGTH_PREFIX + length;
        nalCount++;
        return true;
    }

    /** Opens a NAL unit whose bytes arrive in pieces (a fragmentation unit). */
    boolean beginNal() {
        if (nalCount >= maxNals || !ensure(LENGTH_PREFIX)) {
            return false;
        }
        openNal = end;
        end += LENGTH_PREFIX;
        return true;
    }

    boolean appendByte(int b) {
        if (!ensure(1)) {
            return false;
        }
        buffer.putByte(end++, (byte) b);
        return true;
    }

    boolean append(DirectBuffer src, int offset, int length) {
        if (!ensure(length)) {
            return false;
        }
        buffer.putBytes(end, src, offset, length);
        end += length;
        return true;
    }

    /** Closes the open NAL unit; returns its offset in {@link #buffer()} (after the length prefix). */
    int endNal() {
        int nalStart = openNal + LENGTH_PREFIX;
        buffer.putInt(openNal, end - nalStart, ByteOrder.BIG_ENDIAN);
        openNal = -1;
        nalCount++;
        return nalStart;
    }

    boolean hasOpenNal() {
        return openNal >= 0;
    }

    int openNalLength() {
        return end - openNal - LENGTH_PREFIX;
    }

    /** Puts a NAL unit in front of the access unit; false if the reserved room is used up. */
    boolean prepend(DirectBuffer src, int offset, int length) {
        if (start - (LENGTH_PREFIX + length) < 0) {
            return false;
        }
        start -= LENGTH_PREFIX + length;
        buffer.putInt(start, length, ByteOrder.BIG_ENDIAN);
        buffer.putBytes(start + LENGTH_PREFIX, src, offset, length);
        nalCount++;
        return true;
    }

    /** Length of the first NAL unit, or -1 if there is none. */
    int firstNalLength() {
        return nalCount == 0 ? -1 : buffer.getInt(start, ByteOrder.BIG_ENDIAN);
    }

    /** First byte of the first NAL unit (its header); call only when {@link #firstNalLength()} is positive. */
    int firstNalHeader() {
        return buffer.getByte(start + LENGTH_PREFIX) & 0xFF;
    }

    /** Copies the first NAL unit into {@code into} and takes it out of the access unit; returns its length. */
    int removeFirstNal(UnsafeBuffer into) {
        int length = firstNalLength();
        buffer.getBytes(start + LENGTH_PREFIX, into, 0, length);
        start += LENGTH_PREFIX + length;
        nalCount--;
        return length;
    }

    UnsafeBuffer buffer() {
        return buffer;
    }

    int offset() {
        return start;
    }

    int length() {
        return end - start;
    }

    int nalCount() {
        return nalCount;
    }

    private boolean ensure(int more) {
        int needed = end + more;
        if (needed - start > maxLength) {
            return false;
        }
        if (needed > buffer.capacity()) {
            int grown = (int) Math.min((long) prefixRoom + maxLength, Math.max(needed, 2L * buffer.capacity()));
            byte[] bigger = new byte[grown];
            buffer.getBytes(0, bigger, 0, end);
            buffer.wrap(bigger);
        }
        return true;
    }
}
