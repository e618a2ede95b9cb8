package dev.camrelay.rtsp.rtp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: confined to one thread (the track's receive thread). Allocates only when a slot first holds a packet
 * larger than any before.
 *
 * <p>Bounded reorder buffer for RTP over UDP (RFC 3550 §A.1 sequence handling; protocols.md 3.5): delivers packets in
 * sequence order, holds out-of-order ones in preallocated slots, drops duplicates and late packets, and gives up
 * on a hole when the window is full or the oldest held packet waited longer than the hold limit. Sequence numbers
 * are extended past the 16-bit wrap. Packets skipped over are counted in {@link #packetsLost()}; the receiver sees
 * them as a sequence gap.
 */
public final class RtpReorderBuffer {

    /** Slots: 64 packets, as gortsplib's and protocols.md 3.5's reorder window. */
    public static final int DEFAULT_CAPACITY = 64;
    /** Initial bytes per slot; slots grow to the largest packet held (Tapo sends ~10 kB RTP: protocols.md 0.1). */
    public static final int INITIAL_SLOT_LENGTH = 2048;

    /** {@link #offer} result: delivered at once (and any held packets that became in order after it). */
    public static final int DELIVERED = 1;
    /** {@link #offer} result: held until the packets before it arrive or are given up. */
    public static final int HELD = 0;
    /** {@link #offer} result: the same sequence number is already held; dropped and counted. */
    public static final int DUPLICATE = -1;
    /** {@link #offer} result: older than the next expected packet (delivered or given up); dropped and counted. */
    public static final int LATE = -2;
    /** {@link #offer} result: not a valid RTP packet ({@link RtpPacket#wrap}); dropped and counted. */
    public static final int INVALID = -3;

    private final int capacity;
    private final int mask;
    private final UnsafeBuffer[] slots;
    private final int[] lengths;
    private final long[] sequences;
    private final long[] arrivals;
    private final RtpPacket incoming = new RtpPacket();
    private final RtpPacket outgoing = new RtpPacket();

    private long next = -1;
    private int held;
    private int consecutiveLate;
    private long packetsLost;
    private long duplicates;
    private long late;
    private long invalid;
    private long resets;

    public RtpReorderBuffer() {
        this(DEFAULT_CAPACITY);
    }

    /** @param capacity slots, a power of two */
    public RtpReorderBuffer(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1 || capacity > 1 << 14) {
            throw new IllegalArgumentException("capacity must be a power of two in 2..16384: " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.slots = new UnsafeBuffer[capacity];
        this.lengths = new int[capacity];
        this.sequences = new long[capacity];
        this.arrivals = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = new UnsafeBuffer(new byte[INITIAL_SLOT_LENGTH]);
            sequences[i] = -1;
        }
    }

    /**
     * Offers one received packet.
     *
     * @param nowNanos arrival time (any monotonic clock), used by {@link #releaseExpired}
     * @return {@link #DELIVERED}, {@link #HELD}, {@link #DUPLICATE}, {@link #LATE} or {@link #INVALID}
     */
    public int offer(DirectBuffer buffer, int offset, int length, long nowNanos, RtpPacketHandler handler) {
        if (incoming.wrap(buffer, offset, length) != RtpPacket.OK) {
            invalid++;
            return INVALID;
        }
        int seq = incoming.sequence();
        if (next < 0) {
            next = seq;
        }
        int delta = (short) (seq - (int) (next & 0xFFFF));
        if (delta < 0) {
            if (++consecutiveLate <= capacity) {
                late++;
                return LATE;
            }
            // The source restarted its numbering (RFC 3550 §A.1 "bad_seq"): flush and follow it.
            resets++;
            advanceTo(next + capacity, handler);
            next = seq;
            delta = 0;
        }
        consecutiveLate = 0;
        long extended = next + delta;
        if (delta >= capacity) {
            // Beyond the window: a burst loss. Release what is held and make this packet the head.
            advanceTo(extended, handler);
        }
        if (extended == next) {
            handler.onRtpPacket(incoming);
            next++;
            drainInOrder(handler);
            return DELIVERED;
        }
        int slot = (int) (extended & mask);
        if (sequences[slot] == extended) {
            duplicates++;
            return DUPLICATE;
        }
        UnsafeBuffer target = slots[slot];
        if (target.capacity() < length) {
            target.wrap(new byte[Math.max(length, target.capacity() * 2)]);
        }
        target.putBytes(0, buffer, offset, length);
        lengths[slot] = length;
        sequences[slot] = extended;
        arrivals[slot] = nowNanos;
        held++;
        return HELD;
    }

    /**
     * Gives up on holes in front of held packets that have waited longer than {@code maxHoldNanos}, delivering what
     * follows. Call from the receive loop's timer.
     *
     * @return packets delivered
     */
    public int releaseExpired(long nowNanos, long maxHoldNanos, RtpPacketHandler handler) {
        int delivered = 0;
        while (held > 0) {
            long oldest = -1;
            for (long s = next + 1; s < next + capacity; s++) {
                if (sequences[(int) (s & mask)] == s) {
                    oldest = s;
                    break;
                }
            }
            if (oldest < 0 || nowNanos - arrivals[(int) (oldest & mask)] < maxHoldNanos) {
                break;
            }
            packetsLost += oldest - next;
            next = oldest;
            delivered += drainInOrder(handler);
        }
        return delivered;
    }

    /** Delivers or gives up everything before {@code target}. */
    private void advanceTo(long target, RtpPacketHandler handler) {
        while (next < target) {
            int slot = (int) (next & mask);
            if (sequences[slot] == next) {
                deliverSlot(slot, handler);
            } else {
                packetsLost++;
            }
            next++;
            if (held == 0 && next < target) {
                packetsLost += target - next;
                next = target;
            }
        }
    }

    private int drainInOrder(RtpPacketHandler handler) {
        int n = 0;
        while (held > 0) {
            int slot = (int) (next & mask);
            if (sequences[slot] != next) {
                break;
            }
            deliverSlot(slot, handler);
            next++;
            n++;
        }
        return n;
    }

    private void deliverSlot(int slot, RtpPacketHandler handler) {
        sequences[slot] = -1;
        held--;
        outgoing.wrap(slots[slot], 0, lengths[slot]);
        handler.onRtpPacket(outgoing);
    }

    /** Forgets every held packet and the expected sequence (SSRC change); counters are kept. */
    public void reset() {
        for (int i = 0; i < capacity; i++) {
            sequences[i] = -1;
        }
        held = 0;
        next = -1;
        consecutiveLate = 0;
    }

    /** Packets held now. */
    public int held() {
        return held;
    }

    /** Packets given up on (never arrived in time). */
    public long packetsLost() {
        return packetsLost;
    }

    public long duplicates() {
        return duplicates;
    }

    public long late() {
        return late;
    }

    public long invalid() {
        return invalid;
    }

    /** Times the source's numbering jumped backwards for longer than the window and was followed. */
    public long resets() {
        return resets;
    }
}
