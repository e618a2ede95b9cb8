package dev.camrelay.webrtc.cc;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Parses the FCI of one transport-wide congestion control feedback message
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) into one callback per reported packet, in sequence order.
 * Stateless and allocation-free.
 *
 * <pre>
 * FCI: | base sequence number:16 | packet status count:16 | reference time:24 (signed, x 64 ms) | fb pkt count:8 |
 *      | packet chunk:16 | ... | recv delta: 8 (small, unsigned) or 16 (large, signed), x 250 us | ... | padding |
 * Run length chunk (§3.1.3):    0 | symbol:2 | run length:13
 * Status vector chunk (§3.1.4): 1 | 0 | 14 symbols of 1 bit (0 not received, 1 small delta)
 *                               1 | 1 |  7 symbols of 2 bits (00 not received, 01 small, 10 large, 11 reserved)
 * </pre>
 * The first receive delta is relative to the reference time, each later one to the previous received packet (§3.1.5).
 */
public final class TransportCcFeedback {

    /** The FCI is truncated, uses the reserved symbol, or reports more than {@link #MAX_PACKET_STATUS_COUNT}. */
    public static final int MALFORMED = -1;
    /**
     * Packets one feedback may report. The field has 16 bits; senders report what arrived since the last feedback
     * (Chrome: every 50-250 ms), a few hundred packets at most; more is refused rather than walked.
     */
    public static final int MAX_PACKET_STATUS_COUNT = 8192;

    static final int HEADER_LENGTH = 8;
    static final int SYMBOL_NOT_RECEIVED = 0;
    static final int SYMBOL_SMALL_DELTA = 1;
    static final int SYMBOL_LARGE_DELTA = 2;
    static final long REFERENCE_TIME_UNIT_MICROS = 64_000;
    static final long DELTA_UNIT_MICROS = 250;

    /** One reported packet. */
    public interface PacketHandler {
        /**
         * @param sequence      transport-wide sequence number (16 bits)
         * @param received      whether it arrived
         * @param arrivalMicros arrival time on the receiver's clock (arbitrary origin), meaningful when received
         */
        void onPacket(int sequence, boolean received, long arrivalMicros);
    }

    private TransportCcFeedback() {
    }

    /**
     * @return the number of packets reported, or {@link #MALFORMED} (then no callback was made)
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (caller's bug)
     */
    public static int parse(DirectBuffer buffer, int fci, int length, PacketHandler handler) {
        buffer.boundsCheck(fci, length);
        if (length < HEADER_LENGTH) {
            return MALFORMED;
        }
        int end = fci + length;
        int base = buffer.getShort(fci, BIG_ENDIAN) & 0xFFFF;
        int count = buffer.getShort(fci + 2, BIG_ENDIAN) & 0xFFFF;
        if (count == 0 || count > MAX_PACKET_STATUS_COUNT) {
            return MALFORMED;
        }
        int referenceWord = buffer.getInt(fci + 4, BIG_ENDIAN);
        long reference = (long) (referenceWord >> 8) * REFERENCE_TIME_UNIT_MICROS;
        // Pass 1: where the chunks end (the deltas follow them) and whether the deltas fit.
        int chunks = fci + HEADER_LENGTH;
        int position = chunks;
        int covered = 0;
        int deltaBytes = 0;
        while (covered < count) {
            if (position + 2 > end) {
                return MALFORMED;
            }
            int chunk = buffer.getShort(position, BIG_ENDIAN) & 0xFFFF;
            position += 2;
            int n = Math.min(symbolsIn(chunk), count - covered);
            for (int i = 0; i < n; i++) {
                int symbol = symbol(chunk, i);
                if (symbol > SYMBOL_LARGE_DELTA) {
                    return MALFORMED;
                }
                deltaBytes += symbol;
            }
            covered += n;
        }
        if (position + deltaBytes > end) {
            return MALFORMED;
        }
        // Pass 2: report each packet with its arrival time.
        int deltas = position;
        long arrival = reference;
        int sequence = base;
        covered = 0;
        for (int at = chunks; covered < count; at += 2) {
            int chunk = buffer.getShort(at, BIG_ENDIAN) & 0xFFFF;
            int n = Math.min(symbolsIn(chunk), count - covered);
            for (int i = 0; i < n; i++) {
                int symbol = symbol(chunk, i);
                if (symbol == SYMBOL_SMALL_DELTA) {
                    arrival += (buffer.getByte(deltas) & 0xFF) * DELTA_UNIT_MICROS;
                    deltas++;
                } else if (symbol == SYMBOL_LARGE_DELTA) {
                    arrival += buffer.getShort(deltas, BIG_ENDIAN) * DELTA_UNIT_MICROS;
                    deltas += 2;
                }
                handler.onPacket(sequence, symbol != SYMBOL_NOT_RECEIVED, arrival);
                sequence = (sequence + 1) & 0xFFFF;
            }
            covered += n;
        }
        return count;
    }

    private static int symbolsIn(int chunk) {
        if ((chunk & 0x8000) == 0) {
            return chunk & 0x1FFF; // run length
        }
        return (chunk & 0x4000) == 0 ? 14 : 7;
    }

    private static int symbol(int chunk, int index) {
        if ((chunk & 0x8000) == 0) {
            return (chunk >>> 13) & 0x3;
        }
        if ((chunk & 0x4000) == 0) {
            return (chunk >>> (13 - index)) & 0x1;
        }
        return (chunk >>> (12 - 2 * index)) & 0x3;
    }
}
