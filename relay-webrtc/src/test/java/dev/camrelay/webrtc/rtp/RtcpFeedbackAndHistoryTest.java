package dev.camrelay.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RtcpFeedbackAndHistoryTest {

    private static final int MEDIA_SSRC = 0x0A0B0C0D;
    private static final long MS = 1_000_000L;

    private final List<String> events = new ArrayList<>();
    private final RtcpFeedbackHandler recorder = new RtcpFeedbackHandler() {
        @Override
        public void onNack(int mediaSsrc, int sequence) {
            events.add("nack " + Integer.toHexString(mediaSsrc) + " " + sequence);
        }

        @Override
        public void onPictureLoss(int mediaSsrc) {
            events.add("pli " + Integer.toHexString(mediaSsrc));
        }

        @Override
        public void onFullIntraRequest(int mediaSsrc, int commandSequence) {
            events.add("fir " + Integer.toHexString(mediaSsrc) + " " + commandSequence);
        }

        @Override
        public void onReportBlock(int sourceSsrc, int fractionLost, int cumulativeLost, int highestSequence,
                                  int jitter, int lastSr, int delaySinceLastSr) {
            events.add("rb " + Integer.toHexString(sourceSsrc) + " " + fractionLost + " " + cumulativeLost + " "
                    + highestSequence + " " + jitter + " " + Integer.toHexString(lastSr) + " "
                    + Integer.toHexString(delaySinceLastSr));
        }

        @Override
        public void onRemb(long bitsPerSecond, int firstSsrc) {
            events.add("remb " + bitsPerSecond + " " + Integer.toHexString(firstSsrc));
        }

        @Override
        public void onTransportFeedback(org.agrona.DirectBuffer buffer, int fci, int fciLength) {
            events.add("twcc base " + (buffer.getShort(fci, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) + " fci "
                    + fciLength);
        }
    };

    @Test
    void receiverAndSenderReportBlocksRembAndTransportFeedbackAreReported() {
        ByteBuffer b = ByteBuffer.allocate(256);
        // RR with two report blocks (RFC 3550 §6.4.2): fraction 25/256, cumulative lost -3 (24-bit signed).
        b.put((byte) 0x82).put((byte) 201).putShort((short) 13).putInt(0x99);
        b.putInt(MEDIA_SSRC).putInt((25 << 24) | 0xFFFFFD).putInt(70_000).putInt(450).putInt(0x12345678)
                .putInt(0x00018000);
        b.putInt(0x0E0E0E0E).putInt(0).putInt(1).putInt(2).putInt(0).putInt(0);
        // SR with one report block after its 20 bytes of sender info (RFC 3550 §6.4.1).
        b.put((byte) 0x81).put((byte) 200).putShort((short) 12).putInt(0x99).put(new byte[20]);
        b.putInt(MEDIA_SSRC).putInt(0).putInt(5).putInt(6).putInt(7).putInt(8);
        // REMB, draft-alvestrand-rmcat-remb-03 §2.2: 1 SSRC, exponent 2, mantissa 250000 = 1 Mbit/s.
        b.put((byte) 0x8F).put((byte) 206).putShort((short) 5).putInt(0x99).putInt(0)
                .putInt(0x52454D42).putInt((1 << 24) | (2 << 18) | 250_000).putInt(MEDIA_SSRC);
        // Transport-wide feedback (RTPFB FMT 15): FCI of 12 bytes handed over as it is.
        b.put((byte) 0x8F).put((byte) 205).putShort((short) 5).putInt(0x99).putInt(MEDIA_SSRC)
                .putShort((short) 321).putShort((short) 1).putInt(0).putShort((short) 0x2001).put((byte) 4)
                .put((byte) 0);
        // An RR claiming 3 blocks but holding 1: only the one that is there.
        b.put((byte) 0x83).put((byte) 201).putShort((short) 7).putInt(0x99)
                .putInt(MEDIA_SSRC).putInt(0).putInt(9).putInt(0).putInt(0).putInt(0);
        int length = b.position();

        int items = RtcpFeedbackParser.parse(new UnsafeBuffer(b.array()), 0, length, recorder);

        assertThat(events).containsExactly(
                "rb a0b0c0d 25 -3 70000 450 12345678 18000",
                "rb e0e0e0e 0 0 1 2 0 0",
                "rb a0b0c0d 0 0 5 6 7 8",
                "remb 1000000 a0b0c0d",
                "twcc base 321 fci 12",
                "rb a0b0c0d 0 0 9 0 0 0");
        assertThat(items).isEqualTo(6);
    }

    @Test
    void compoundPacketYieldsNackBitmaskPliAndFir() {
        ByteBuffer b = ByteBuffer.allocate(128);
        // RR with no report blocks (RFC 3550 §6.4.2).
        b.put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(0x99);
        // Generic NACK: PID 65534, BLP bits 0 and 2 -> 65534, 65535, 1 (wrapping).
        b.put((byte) 0x81).put((byte) 205).putShort((short) 3).putInt(0x99).putInt(MEDIA_SSRC)
                .putShort((short) 65534).putShort((short) 0b101);
        // PLI.
        b.put((byte) 0x81).put((byte) 206).putShort((short) 2).putInt(0x99).putInt(MEDIA_SSRC);
        // FIR: media SSRC field 0, the target in the FCI.
        b.put((byte) 0x84).put((byte) 206).putShort((short) 4).putInt(0x99).putInt(0)
                .putInt(MEDIA_SSRC).put((byte) 7).put(new byte[3]);
        int length = b.position();

        int items = RtcpFeedbackParser.parse(new UnsafeBuffer(b.array()), 0, length, recorder);

        assertThat(items).isEqualTo(5);
        assertThat(events).containsExactly("nack a0b0c0d 65534", "nack a0b0c0d 65535", "nack a0b0c0d 1",
                "pli a0b0c0d", "fir a0b0c0d 7");
    }

    @Test
    void truncatedOrWrongVersionRtcpIsMalformedAndNeverThrows() {
        byte[] pli = {(byte) 0x81, (byte) 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};

        assertThat(RtcpFeedbackParser.parse(new UnsafeBuffer(pli), 0, 11, recorder))
                .isEqualTo(RtcpFeedbackParser.MALFORMED);
        pli[0] = 0x41;
        assertThat(RtcpFeedbackParser.parse(new UnsafeBuffer(pli), 0, 12, recorder))
                .isEqualTo(RtcpFeedbackParser.MALFORMED);
        assertThat(RtcpFeedbackParser.parse(new UnsafeBuffer(pli), 0, 3, recorder))
                .isEqualTo(RtcpFeedbackParser.MALFORMED);
        java.util.Random random = new java.util.Random(4585);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            RtcpFeedbackParser.parse(new UnsafeBuffer(junk), 0, junk.length, recorder);
        }
    }

    @Test
    void historyResendsRecentPacketsWithinRetryLimits() {
        RtpSendHistory history = new RtpSendHistory(8, 64, 2_000 * MS);
        UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        for (int seq = 65530; seq < 65530 + 10; seq++) {
            history.store(packet(seq & 0xFFFF), 0, 20, seq * MS);
        }

        assertThat(history.retransmit(3, 65540 * MS, out, 0)).isEqualTo(20);
        assertThat(out.getShort(2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF).isEqualTo(3);
        assertThat(history.retransmit(65531, 65540 * MS, out, 0)).as("overwritten by 3")
                .isEqualTo(RtpSendHistory.NOT_FOUND);
        assertThat(history.retransmit(3, 65545 * MS, out, 0)).isEqualTo(RtpSendHistory.TOO_SOON);
        assertThat(history.retransmit(3, 65561 * MS, out, 0)).isEqualTo(20);
        assertThat(history.retransmit(3, 65582 * MS, out, 0)).isEqualTo(20);
        assertThat(history.retransmit(3, 65603 * MS, out, 0)).isEqualTo(RtpSendHistory.RETRY_LIMIT);
        assertThat(history.retransmit(2, 65539 * MS + 2_001 * MS, out, 0)).isEqualTo(RtpSendHistory.TOO_OLD);
    }

    @Test
    void packetizedPacketsCanBeStoredAndResentByteForByte() {
        H264Packetizer packetizer = new H264Packetizer(1, 96, 100, 0, 1188);
        RtpSendHistory history = new RtpSendHistory();
        UnsafeBuffer out = new UnsafeBuffer(new byte[1500]);
        byte[] au = H264PacketizerTest.avcc(H264PacketizerTest.nal(0x67, 10, 1), H264PacketizerTest.nal(0x68, 4, 2),
                H264PacketizerTest.nal(0x65, 4000, 3));
        packetizer.beginAccessUnit(new UnsafeBuffer(au), 0, au.length, 0, 1, 0);
        List<byte[]> sent = new ArrayList<>();
        for (int len; (len = packetizer.nextPacket(out, 0)) > 0; ) {
            history.store(out, 0, len, 0);
            sent.add(java.util.Arrays.copyOf(out.byteArray(), len));
        }

        UnsafeBuffer resend = new UnsafeBuffer(new byte[1500]);
        int len = history.retransmit(102, MS, resend, 0);

        assertThat(java.util.Arrays.copyOf(resend.byteArray(), len)).isEqualTo(sent.get(2));
    }

    private static UnsafeBuffer packet(int seq) {
        UnsafeBuffer p = new UnsafeBuffer(new byte[20]);
        p.putByte(0, (byte) 0x80);
        p.putShort(2, (short) seq, java.nio.ByteOrder.BIG_ENDIAN);
        return p;
    }
}
