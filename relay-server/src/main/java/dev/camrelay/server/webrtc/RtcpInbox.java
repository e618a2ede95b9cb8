package dev.camrelay.server.webrtc;

import dev.camrelay.webrtc.rtp.RtcpFeedbackHandler;
import dev.camrelay.webrtc.rtp.RtcpFeedbackParser;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One producer (the UDP I/O thread, which unprotects the viewer's SRTCP) and one consumer (the sender thread, which
 * owns everything the feedback acts on: send history, packetizer, transport-wide send times, the estimate): the
 * decrypted compound RTCP packets of one session, copied into preallocated slots. A full inbox drops the packet
 * (counted): the viewer repeats NACKs and reports, and a viewer flooding RTCP only loses its own feedback.
 * Allocation-free.
 */
final class RtcpInbox {

    /** Packets queued at most: the sender drains every turn (well under a millisecond apart when busy). */
    static final int SLOTS = 16;
    static final int SLOT_LENGTH = MediaPortHandler.MAX_DATAGRAM;
    private static final int MASK = SLOTS - 1;

    private final UnsafeBuffer slots = new UnsafeBuffer(new byte[SLOTS * SLOT_LENGTH]);
    private final int[] lengths = new int[SLOTS];
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** Producer: copies one decrypted compound RTCP packet in; false when full or longer than a slot. */
    boolean offer(DirectBuffer packet, int offset, int length) {
        long t = tail.get();
        if (t - head.get() >= SLOTS || length > SLOT_LENGTH || length <= 0) {
            dropped.lazySet(dropped.get() + 1);
            return false;
        }
        int slot = (int) t & MASK;
        slots.putBytes(slot * SLOT_LENGTH, packet, offset, length);
        lengths[slot] = length;
        tail.lazySet(t + 1);
        return true;
    }

    /**
     * Consumer: parses every queued packet into {@code handler}.
     *
     * @return packets taken; {@code malformed[0]} is increased by those the parser refused (partly or wholly)
     */
    int drain(RtcpFeedbackHandler handler, long[] malformed) {
        long h = head.get();
        long t = tail.get();
        int n = 0;
        for (; h < t; h++, n++) {
            int slot = (int) h & MASK;
            if (RtcpFeedbackParser.parse(slots, slot * SLOT_LENGTH, lengths[slot], handler)
                    == RtcpFeedbackParser.MALFORMED) {
                malformed[0]++;
            }
            head.lazySet(h + 1);
        }
        return n;
    }

    /** Packets dropped because the inbox was full (any thread). */
    long dropped() {
        return dropped.get();
    }
}
