package dev.camrelay.server.webrtc;

/**
 * The RTCP a player sends the relay, as plain packets with {@code room} spare bytes at the end for the SRTCP
 * trailer: generic NACK (RFC 4585 §6.2.1), PLI (§6.3.1) and a receiver report with one block (RFC 3550 §6.4.2). The
 * player's own SSRC is 1. Stateless.
 */
final class PlayerRtcp {

    static final int NACK_LENGTH = 16;
    static final int PLI_LENGTH = 12;
    static final int RECEIVER_REPORT_LENGTH = 32;
    private static final int RTPFB = 205;
    private static final int PSFB = 206;
    private static final int RR = 201;

    private PlayerRtcp() {
    }

    /** A NACK of one packet: PID {@code sequence}, BLP 0. */
    static byte[] nack(int mediaSsrc, int sequence, int room) {
        byte[] p = header(1, RTPFB, NACK_LENGTH, room);
        putInt(p, 8, mediaSsrc);
        p[12] = (byte) (sequence >>> 8);
        p[13] = (byte) sequence;
        return p;
    }

    static byte[] pli(int mediaSsrc, int room) {
        byte[] p = header(1, PSFB, PLI_LENGTH, room);
        putInt(p, 8, mediaSsrc);
        return p;
    }

    /**
     * A receiver report about {@code mediaSsrc}: extended highest sequence {@code highest}, LSR {@code lastSr} (the
     * middle 32 bits of the latest SR's NTP time) and DLSR {@code delaySinceLastSr} in 1/65536 s.
     */
    static byte[] receiverReport(int mediaSsrc, int highest, int lastSr, int delaySinceLastSr, int room) {
        byte[] p = header(1, RR, RECEIVER_REPORT_LENGTH, room);
        putInt(p, 8, mediaSsrc);
        putInt(p, 16, highest);
        putInt(p, 24, lastSr);
        putInt(p, 28, delaySinceLastSr);
        return p;
    }

    /** V=2, the count or FMT field, the packet type, the length in 32-bit words minus one, sender SSRC 1. */
    private static byte[] header(int countOrFormat, int type, int length, int room) {
        byte[] p = new byte[length + room];
        p[0] = (byte) (0x80 | countOrFormat);
        p[1] = (byte) type;
        p[3] = (byte) (length / 4 - 1);
        p[7] = 1;
        return p;
    }

    private static void putInt(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 24);
        p[at + 1] = (byte) (v >>> 16);
        p[at + 2] = (byte) (v >>> 8);
        p[at + 3] = (byte) v;
    }
}
