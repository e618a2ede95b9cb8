package dev.camrelay.rtsp.depacketize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.TestRtp;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class H265DepacketizerTest {

    static final byte[] VPS = {0x40, 0x01, 0x0C, 0x01, (byte) 0xFF};
    static final byte[] SPS = {0x42, 0x01, 0x01, 0x01, 0x60};
    static final byte[] PPS = {0x44, 0x01, (byte) 0xC1, 0x72};

    private final CollectingSink sink = new CollectingSink();
    private final RtpPacket packet = new RtpPacket();
    private H265Depacketizer depacketizer = new H265Depacketizer(1, sink, 0);
    private int sequence = 7;

    static byte[] nal(int type, int length, int seed) {
        byte[] n = new byte[length];
        n[0] = (byte) (type << 1);
        n[1] = 0x01;
        for (int i = 2; i < length; i++) {
            n[i] = (byte) (seed * 31 + i | 1);
        }
        return n;
    }

    private int feed(long ts, boolean marker, byte[] payload) {
        byte[] rtp = TestRtp.packet(sequence++ & 0xFFFF, ts, marker, payload);
        assertThat(packet.wrap(new UnsafeBuffer(rtp), 0, rtp.length)).isEqualTo(RtpPacket.OK);
        return depacketizer.onPacket(packet);
    }

    private static byte[] ap(boolean donl, byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(48 << 1);
        out.write(1);
        for (int i = 0; i < nals.length; i++) {
            if (donl) {
                if (i == 0) {
                    out.write(0);
                    out.write(5);
                } else {
                    out.write(0);
                }
            }
            out.write(nals[i].length >> 8);
            out.write(nals[i].length);
            out.writeBytes(nals[i]);
        }
        return out.toByteArray();
    }

    private static byte[] fu(byte[] nal, int from, int to, boolean start, boolean end, boolean donl) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((nal[0] & 0x81) | (49 << 1));
        out.write(nal[1]);
        out.write(((nal[0] >> 1) & 0x3F) | (start ? 0x80 : 0) | (end ? 0x40 : 0));
        if (donl) {
            out.write(0);
            out.write(9);
        }
        out.write(nal, from, to - from);
        return out.toByteArray();
    }

    @Test
    void aggregationAndFragmentationUnitsMakeAnIrapKeyframe() {
        byte[] idr = nal(19, 3000, 1); // IDR_W_RADL
        assertThat(feed(0, false, ap(false, VPS, SPS, PPS))).isEqualTo(RtpDepacketizer.OK);
        feed(0, false, fu(idr, 2, 1000, true, false, false));
        feed(0, false, fu(idr, 1000, 2000, false, false, false));
        assertThat(feed(0, true, fu(idr, 2000, 3000, false, true, false))).isEqualTo(RtpDepacketizer.PUBLISHED);
        byte[] trail = nal(1, 100, 2);
        assertThat(feed(3000, true, trail)).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).extracting(AccessUnit::keyframe).containsExactly(true, false);
        assertThat(sink.units.get(0).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(VPS, SPS, PPS, idr)));
        assertThat(sink.units.get(1).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(trail)));
        assertThat(sink.units.get(0).track()).isEqualTo(1);
    }

    @Test
    void donlFieldsAreSkippedWhenMaxDonDiffIsPositive() {
        depacketizer = new H265Depacketizer(1, sink, 2);
        byte[] cra = nal(21, 500, 3);
        feed(0, false, ap(true, VPS, SPS, PPS));
        feed(0, false, fu(cra, 2, 300, true, false, true));
        assertThat(feed(0, true, fu(cra, 300, 500, false, true, true))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units.get(0).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(VPS, SPS, PPS, cra)));
    }

    @Test
    void irapWithoutParameterSetsGetsThemFromTheSdp() {
        depacketizer.setParameterSets(List.of(VPS, SPS, PPS));
        byte[] idr = nal(20, 60, 4); // IDR_N_LP
        assertThat(feed(0, true, idr)).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units.get(0).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(VPS, SPS, PPS, idr)));
        assertThat(depacketizer.parameterSets()).containsExactly(VPS, SPS, PPS);
    }

    @Test
    void fuWithAMissingFragmentIsDroppedUntilTheNextIrap() {
        depacketizer.setParameterSets(List.of(VPS, SPS, PPS));
        feed(0, true, nal(19, 60, 1));
        byte[] trail = nal(1, 900, 2);
        feed(3000, false, fu(trail, 2, 300, true, false, false));
        sequence++; // the middle fragment is lost
        assertThat(feed(3000, true, fu(trail, 600, 900, false, true, false))).isEqualTo(RtpDepacketizer.DROPPED);
        assertThat(feed(6000, true, nal(1, 80, 3))).isEqualTo(RtpDepacketizer.DROPPED);
        assertThat(feed(9000, true, nal(19, 80, 4))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(0L, 9000L);
        assertThat(depacketizer.accessUnitsDropped()).isEqualTo(1);
        assertThat(depacketizer.accessUnitsSkippedUntilKeyframe()).isEqualTo(1);
    }

    @Test
    void paciAndMalformedAggregationAreCounted() {
        byte[] paci = {(byte) (50 << 1), 1, 0, 0, 0};
        assertThat(feed(0, true, paci)).isEqualTo(RtpDepacketizer.UNSUPPORTED);
        byte[] badAp = {(byte) (48 << 1), 1, 0, 50, 0x40};
        assertThat(feed(3000, true, badAp)).isEqualTo(RtpDepacketizer.MALFORMED);
        assertThat(depacketizer.counts().unsupported()).isEqualTo(1);
        assertThat(depacketizer.counts().malformed()).isEqualTo(1);
        assertThat(sink.units).isEmpty();
    }
}
