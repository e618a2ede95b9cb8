package dev.camrelay.rtsp.depacketize;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: confined to the owning depacketizer's thread; allocates nothing after construction.
 *
 * <p>One audio frame whose bytes come in several RTP packets of one timestamp, the marker bit on the last: an AAC
 * access unit fragmented over RFC 3640 packets (§3.2.3) or a LATM AudioMuxElement over RFC 6416 packets (§6.1,
 * §6.2).
 * When a packet of it is lost the frame is dropped and so is every later packet of its timestamp ({@link #skip}),
 * since those hold only the rest of something that can no longer be whole.
 */
final class FragmentedFrame {

    private final UnsafeBuffer buffer;
    private boolean open;
    private long timestamp;
    private int length;
    private boolean skipping;
    private long skipTimestamp;

    FragmentedFrame(int maxLength) {
        this.buffer = new UnsafeBuffer(new byte[maxLength]);
    }

    boolean isOpen() {
        return open;
    }

    long timestamp() {
        return timestamp;
    }

    int length() {
        return length;
    }

    UnsafeBuffer buffer() {
        return buffer;
    }

    /** Opens a frame at {@code ts}, empty. */
    void start(long ts) {
        open = true;
        timestamp = ts;
        length = 0;
    }

    /** Adds bytes to the open frame; false (nothing added) if it would exceed the maximum length. */
    boolean append(DirectBuffer b, int offset, int count) {
        if (count > buffer.capacity() - length) {
            return false;
        }
        buffer.putBytes(length, b, offset, count);
        length += count;
        return true;
    }

    /** The frame is finished (published or refused). */
    void close() {
        open = false;
        length = 0;
    }

    /** Drops the open frame, if any, and every later packet with timestamp {@code ts}. */
    void skip(long ts) {
        close();
        skipping = true;
        skipTimestamp = ts;
    }

    /** True if a packet at {@code ts} is part of what is being skipped; one of another timestamp ends the skip. */
    boolean skips(long ts) {
        if (skipping && ts == skipTimestamp) {
            return true;
        }
        skipping = false;
        return false;
    }

    /** The skipped frame ended (its marker was seen): the next packet starts afresh whatever its timestamp. */
    void endSkip() {
        skipping = false;
    }

    void reset() {
        close();
        skipping = false;
    }
}
