package dev.camrelay.webrtc.rtp;

import static dev.camrelay.webrtc.rtp.RtpDescriptor.SEQUENCE_OFFSET;
import static java.nio.ByteOrder.BIG_ENDIAN;

import java.util.concurrent.TimeUnit;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Single-threaded: owned by the sender of one SSRC, which both records sent packets and answers NACKs for them.
 *
 * <p>Ring of the last N sent RTP packets, indexed by sequence number, for retransmission on a generic NACK (RFC 4585
 * §6.2.1) on the same SSRC. Limits follow pion's defaults (protocols.md 7.4): packets older than
 * {@link #DEFAULT_MAX_AGE_NANOS} are not resent, each at most {@link #MAX_RETRANSMISSIONS} times and at least
 * {@link #MIN_RETRANSMIT_INTERVAL_NANOS} apart. Storage is preallocated; {@link #store} and {@link #retransmit} copy
 * bytes and allocate nothing.
 */
public final class RtpSendHistory {

    public static final int DEFAULT_CAPACITY = 2048;
    public static final long DEFAULT_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(2);
    public static final int MAX_RETRANSMISSIONS = 3;
    public static final long MIN_RETRANSMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** {@link #retransmit}: no packet with that sequence number in the ring (never sent or overwritten). */
    public static final int NOT_FOUND = -1;
    public static final int TOO_OLD = -2;
    public static final int TOO_SOON = -3;
    public static final int RETRY_LIMIT = -4;

    private final int mask;
    private final int slotLength;
    private final long maxAgeNanos;
    private final UnsafeBuffer packets;
    private final int[] sequences;
    private final int[] lengths;
    private final long[] sentNanos;
    private final long[] lastResentNanos;
    private final byte[] retries;

    /**
     * @param capacity        power of two number of packets kept
     * @param maxPacketLength longest packet stored
     * @param maxAgeNanos     older packets are not resent
     */
    public RtpSendHistory(int capacity, int maxPacketLength, long maxAgeNanos) {
        if (!BitUtil.isPowerOfTwo(capacity) || capacity > 65536) {
            throw new IllegalArgumentException("capacity must be a power of two up to 65536: " + capacity);
        }
        this.mask = capacity - 1;
        this.slotLength = maxPacketLength;
        this.maxAgeNanos = maxAgeNanos;
        this.packets = new UnsafeBuffer(new byte[capacity * maxPacketLength]);
        this.sequences = new int[capacity];
        this.lengths = new int[capacity];
        this.sentNanos = new long[capacity];
        this.lastResentNanos = new long[capacity];
        this.retries = new byte[capacity];
        java.util.Arrays.fill(sequences, -1);
    }

    public RtpSendHistory() {
        this(DEFAULT_CAPACITY, RtpDescriptor.MAX_PACKET_LENGTH, DEFAULT_MAX_AGE_NANOS);
    }

    /**
     * Records a packet just sent (plain RTP, before SRTP protection).
     *
     * @return false if the packet is longer than a slot and was not kept
     */
    public boolean store(DirectBuffer packet, int offset, int length, long nowNanos) {
        if (length > slotLength || length < RtpDescriptor.HEADER_LENGTH) {
            return false;
        }
        int sequence = packet.getShort(offset + SEQUENCE_OFFSET, BIG_ENDIAN) & 0xFFFF;
        int slot = sequence & mask;
        packets.putBytes(slot * slotLength, packet, offset, length);
        sequences[slot] = sequence;
        lengths[slot] = length;
        sentNanos[slot] = nowNanos;
        lastResentNanos[slot] = Long.MIN_VALUE;
        retries[slot] = 0;
        return true;
    }

    /**
     * Copies the packet with {@code sequence} into {@code out} for resending, if the limits allow.
     *
     * @return its length, or a negative status
     */
    public int retransmit(int sequence, long nowNanos, MutableDirectBuffer out, int outOffset) {
        int slot = sequence & mask;
        if (sequences[slot] != (sequence & 0xFFFF)) {
            return NOT_FOUND;
        }
        if (nowNanos - sentNanos[slot] > maxAgeNanos) {
            return TOO_OLD;
        }
        if (retries[slot] >= MAX_RETRANSMISSIONS) {
            return RETRY_LIMIT;
        }
        if (lastResentNanos[slot] != Long.MIN_VALUE
                && nowNanos - lastResentNanos[slot] < MIN_RETRANSMIT_INTERVAL_NANOS) {
            return TOO_SOON;
        }
        retries[slot]++;
        lastResentNanos[slot] = nowNanos;
        out.putBytes(outOffset, packets, slot * slotLength, lengths[slot]);
        return lengths[slot];
    }
}
