package dev.camrelay.hls.fmp4;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Big-endian writer of ISO BMFF boxes into a growable buffer it owns. A box is opened with {@link #startBox(int)},
 * which reserves its 32-bit size field, and closed with {@link #endBox(int)}, which back-patches the size once the
 * contents are known (ISO/IEC 14496-12 §4.2: {@code size} counts the whole box including its header).
 *
 * <p><b>Threading contract:</b> single-threaded; one owner writes and then reads {@link #buffer()}. The buffer is
 * reused after {@link #reset()}, so steady-state writing allocates nothing once it has grown to the largest output.
 */
public final class BoxWriter {

    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    private final ExpandableArrayBuffer buffer;
    private int position;

    public BoxWriter(int initialCapacity) {
        this.buffer = new ExpandableArrayBuffer(initialCapacity);
    }

    /** Forgets what was written; the memory is kept for the next output. */
    public void reset() {
        position = 0;
    }

    /** Bytes written so far. */
    public int position() {
        return position;
    }

    /** The written bytes are {@code [0, position())}; valid until the next write or {@link #reset()}. */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** Copies the written bytes out (allocates; once per init segment or part, never per sample). */
    public byte[] toByteArray() {
        byte[] out = new byte[position];
        buffer.getBytes(0, out);
        return out;
    }

    /**
     * Opens a box: writes a placeholder size and the four-character type.
     *
     * @return the box's start offset, to hand to {@link #endBox(int)}
     */
    public int startBox(int type) {
        final int start = position;
        u32(0);
        u32(type);
        return start;
    }

    /** Opens a full box (ISO/IEC 14496-12 §4.2): a box followed by an 8-bit version and 24-bit flags. */
    public int startFullBox(int type, int version, int flags) {
        final int start = startBox(type);
        u32((version << 24) | (flags & 0xFF_FFFF));
        return start;
    }

    /** Closes the box opened at {@code start} by writing its final size. */
    public void endBox(int start) {
        buffer.putInt(start, position - start, BE);
    }

    public BoxWriter u8(int value) {
        buffer.putByte(position, (byte) value);
        position += 1;
        return this;
    }

    public BoxWriter u16(int value) {
        buffer.putShort(position, (short) value, BE);
        position += 2;
        return this;
    }

    public BoxWriter u24(int value) {
        u8(value >>> 16);
        return u16(value);
    }

    public BoxWriter u32(int value) {
        buffer.putInt(position, value, BE);
        position += 4;
        return this;
    }

    public BoxWriter u64(long value) {
        buffer.putLong(position, value, BE);
        position += 8;
        return this;
    }

    /** Writes {@code count} zero bytes (reserved fields). */
    public BoxWriter zeros(int count) {
        buffer.setMemory(position, count, (byte) 0);
        position += count;
        return this;
    }

    public BoxWriter bytes(byte[] src) {
        buffer.putBytes(position, src);
        position += src.length;
        return this;
    }

    public BoxWriter bytes(DirectBuffer src, int offset, int length) {
        buffer.putBytes(position, src, offset, length);
        position += length;
        return this;
    }

    /** Overwrites a 32-bit field written earlier (e.g. a {@code trun} data offset known only after the moof). */
    public void patchU32(int offset, int value) {
        buffer.putInt(offset, value, BE);
    }
}
