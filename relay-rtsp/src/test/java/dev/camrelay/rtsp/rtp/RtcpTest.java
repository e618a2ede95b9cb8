package dev.camrelay.rtsp.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RtcpTest {

    private static final long UNIX_2026_NANOS = 1_795_000_000_123_456_789L;

    private static byte[] compoundWithSr(long ntp, long rtpTs) {
        ByteBuffer b = ByteBuffer.allocate(28 + 12);
        b.put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(0x11223344);
        b.putLong(ntp).putInt((int) rtpTs).putInt(500).putInt(123_456);
        b.put((byte) 0x81).put((byte) 202).putShort((short) 2).putInt(0x11223344).putInt(0); // SDES, 1 chunk
        return b.array();
    }

    @Test
    void senderReportIsFoundInACompoundPacket() {
        long ntp = RtpClockMapping.unixNanosToNtp(UNIX_2026_NANOS);
        byte[] p = compoundWithSr(ntp, 0xFFFF_FF00L);
        RtcpSenderReport sr = new RtcpSenderReport();
        assertThat(sr.wrapCompound(new UnsafeBuffer(p), 0, p.length)).isEqualTo(RtcpSenderReport.FOUND);
        assertThat(sr.ssrc()).isEqualTo(0x11223344);
        assertThat(sr.ntpTimestamp()).isEqualTo(ntp);
        assertThat(sr.rtpTimestamp()).isEqualTo(0xFFFF_FF00L);
        assertThat(sr.packetCount()).isEqualTo(500);
        assertThat(sr.octetCount()).isEqualTo(123_456);
    }

    @Test
    void compoundWithoutSrOrWithBadLengthsIsReported() {
        byte[] rr = new byte[8];
        rr[0] = (byte) 0x80;
        rr[1] = (byte) 201;
        rr[3] = 1;
        RtcpSenderReport sr = new RtcpSenderReport();
        assertThat(sr.wrapCompound(new UnsafeBuffer(rr), 0, 8)).isEqualTo(RtcpSenderReport.NO_SENDER_REPORT);
        rr[3] = 9;
        assertThat(sr.wrapCompound(new UnsafeBuffer(rr), 0, 8)).isEqualTo(RtcpSenderReport.MALFORMED);
    }

    @Test
    void rtpTimestampsMapToWallclockAcrossTheTimestampWrap() {
        RtpClockMapping clock = new RtpClockMapping(90_000);
        assertThat(clock.wallclockNanos(0)).isEqualTo(Long.MIN_VALUE);
        long ntp = RtpClockMapping.unixNanosToNtp(UNIX_2026_NANOS);
        clock.onSenderReport(ntp, 0xFFFF_FF00L, 0);
        long base = RtpClockMapping.ntpToUnixNanos(ntp);
        assertThat(Math.abs(base - UNIX_2026_NANOS)).isLessThan(2);
        // 90,000 ticks later (past the 32-bit wrap) is one second later
        assertThat(clock.wallclockNanos((0xFFFF_FF00L + 90_000) & 0xFFFF_FFFFL)).isEqualTo(base + 1_000_000_000L);
        assertThat(clock.wallclockNanos(0xFFFF_FF00L - 45_000)).isEqualTo(base - 500_000_000L);
        assertThat(clock.rtpTimestampAt(base + 2_000_000_000L)).isEqualTo((0xFFFF_FF00L + 180_000) & 0xFFFF_FFFFL);
    }

    @Test
    void receiverReportCarriesLossJitterAndLastSenderReport() {
        RtpReceptionStats stats = new RtpReceptionStats();
        for (int s = 65530; s < 65530 + 20; s++) {
            if (s != 65540 && s != 65541) {
                stats.onPacket(s & 0xFFFF, s * 3000L, s * 3000L);
            }
        }
        assertThat(stats.extendedHighestSequence()).isEqualTo(65549);
        assertThat(stats.cumulativeLost()).isEqualTo(2);
        RtpClockMapping clock = new RtpClockMapping(90_000);
        long ntp = 0x1234_5678_9ABC_DEF0L;
        clock.onSenderReport(ntp, 0, 1_000_000_000L);
        UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        int n = RtcpReceiverReportWriter.write(out, 0, 0xAAAA, 0x1111, stats, clock, 1_500_000_000L);
        assertThat(n).isEqualTo(32);
        assertThat(out.getByte(1) & 0xFF).isEqualTo(201);
        assertThat(out.getShort(2, ByteOrder.BIG_ENDIAN)).isEqualTo((short) 7);
        assertThat(out.getInt(8, ByteOrder.BIG_ENDIAN)).isEqualTo(0x1111);
        int lostWord = out.getInt(12, ByteOrder.BIG_ENDIAN);
        assertThat(lostWord & 0xFFFFFF).isEqualTo(2);
        assertThat(lostWord >>> 24).isEqualTo((2 << 8) / 19); // the first packet is the probation one (RFC 3550 A.1)
        assertThat(out.getInt(16, ByteOrder.BIG_ENDIAN)).isEqualTo(65549);
        assertThat(out.getInt(24, ByteOrder.BIG_ENDIAN)).isEqualTo(0x5678_9ABC);
        assertThat(out.getInt(28, ByteOrder.BIG_ENDIAN)).isEqualTo(32_768);
        assertThat(stats.takeFractionLost()).isZero();
    }

    @Test
    void jitterGrowsWithIrregularArrival() {
        RtpReceptionStats stats = new RtpReceptionStats();
        for (int s = 0; s < 200; s++) {
            long arrival = s * 3000L + (s % 2 == 0 ? 0 : 900);
            stats.onPacket(s, s * 3000L, arrival);
        }
        assertThat(stats.jitter()).isBetween(800L, 900L);
    }

    @Test
    void aSequenceRestartIsAcceptedAfterTwoSequentialPackets() {
        RtpReceptionStats stats = new RtpReceptionStats();
        for (int s = 0; s < 10; s++) {
            stats.onPacket(s, 0, 0);
        }
        assertThat(stats.onPacket(40_000, 0, 0)).isEqualTo(RtpReceptionStats.BAD_SEQUENCE);
        assertThat(stats.onPacket(40_001, 0, 0)).isEqualTo(RtpReceptionStats.VALID);
        assertThat(stats.extendedHighestSequence()).isEqualTo(40_001);
    }
}
