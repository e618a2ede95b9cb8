package dev.camrelay.server.webrtc;

/**
 * The RTCP sender report the relay sends per SSRC about once a second (RFC 3550 §6.4.1), without report blocks: the
 * relay receives no media. Writes into the caller's array; allocates nothing.
 *
 * <pre>
 *  0                   1                   2                   3
 * |V=2|P|  RC=0   |    PT=200     |          length = 6           |  0
 * |                      SSRC of sender                           |  4
 * |              NTP timestamp, most significant word             |  8
 * |             NTP timestamp, least significant word             | 12
 * |                         RTP timestamp                         | 16
 * |                     sender's packet count                     | 20
 * |                      sender's octet count                     | 24
 * </pre>
 */
final class SenderReport {

    static final int LENGTH = 28;
    private static final int PT_SR = 200;
    /** Seconds from the NTP epoch (1900) to the Unix epoch (RFC 868). */
    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    private SenderReport() {
    }

    /** The 64-bit NTP timestamp (RFC 5905 §6: seconds since 1900, 32-bit fraction) of a Unix time in microseconds. */
    static long ntp(long unixMicros) {
        long seconds = unixMicros / 1_000_000 + NTP_UNIX_OFFSET_SECONDS;
        long fraction = ((unixMicros % 1_000_000) << 32) / 1_000_000;
        return (seconds << 32) | fraction;
    }

    static int write(byte[] out, int ssrc, long ntpTimestamp, int rtpTimestamp, long packets, long octets) {
        out[0] = (byte) 0x80;
        out[1] = (byte) PT_SR;
        out[2] = 0;
        out[3] = (byte) (LENGTH / 4 - 1);
        putInt(out, 4, ssrc);
        putInt(out, 8, (int) (ntpTimestamp >>> 32));
        putInt(out, 12, (int) ntpTimestamp);
        putInt(out, 16, rtpTimestamp);
        putInt(out, 20, (int) packets);
        putInt(out, 24, (int) octets);
        return LENGTH;
    }

    private static void putInt(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 24);
        p[at + 1] = (byte) (v >>> 16);
        p[at + 2] = (byte) (v >>> 8);
        p[at + 3] = (byte) v;
    }
}
