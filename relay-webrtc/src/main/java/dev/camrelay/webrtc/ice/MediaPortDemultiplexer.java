package dev.camrelay.webrtc.ice;

import org.agrona.DirectBuffer;

/**
 * Tells STUN, DTLS, RTP and RTCP apart on the one WebRTC UDP port by the first byte (RFC 7983 §7), and RTCP from
 * RTP by the packet type of a multiplexed stream (RFC 5761 §4: RTCP types 192-223 sit in RTP's marker+PT byte).
 *
 * <pre>
 *             +----------------+
 *  [0..3]    -+--> STUN
 *  [16..19]  -+--> ZRTP        (not used: UNKNOWN)
 *  [20..63]  -+--> DTLS
 *  [64..79]  -+--> TURN channel (not used: UNKNOWN)
 *  [128..191]-+--> RTP / RTCP
 * </pre>
 * Stateless and thread-safe.
 */
public final class MediaPortDemultiplexer {

    public static final int UNKNOWN = 0;
    public static final int STUN = 1;
    public static final int DTLS = 2;
    public static final int RTP = 3;
    public static final int RTCP = 4;

    private static final int RTCP_TYPE_MIN = 192;
    private static final int RTCP_TYPE_MAX = 223;

    private MediaPortDemultiplexer() {
    }

    /** Kind of the datagram at {@code offset}; empty datagrams are {@link #UNKNOWN}. */
    public static int classify(DirectBuffer buffer, int offset, int length) {
        if (length < 1) {
            return UNKNOWN;
        }
        int first = buffer.getByte(offset) & 0xFF;
        if (first <= 3) {
            return STUN;
        }
        if (first >= 20 && first <= 63) {
            return DTLS;
        }
        if (first >= 128 && first <= 191) {
            if (length < 2) {
                return UNKNOWN;
            }
            int type = buffer.getByte(offset + 1) & 0xFF;
            return type >= RTCP_TYPE_MIN && type <= RTCP_TYPE_MAX ? RTCP : RTP;
        }
        return UNKNOWN;
    }
}
