package dev.camrelay.rtsp.depacketize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.TestRtp;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class H264DepacketizerTest {

    static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xD9, (byte) 0x80};
    static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
    static final byte[] SEI = {0x06, 0x05, 0x01, 0x7F, (byte) 0x80};

    private final CollectingSink sink = new CollectingSink();
    private final H264Depacketizer depacketizer = new H264Depacketizer(0, sink);
    private final RtpPacket packet = new RtpPacket();
    private int sequence = 100;

    static byte[] slice(int type, int length, int seed) {
        byte[] s = new byte[length];
        s[0] = (byte) (0x60 | type);
        s[1] = (byte) 0x88; // first_mb_in_slice = 0
        for (int i = 2; i < length; i++) {
            s[i] = (byte) (seed + i * 7 | 1);
        }
        return s;
    }

    private int feed(byte[] rtp) {
        assertThat(packet.wrap(new UnsafeBuffer(rtp), 0, rtp.length)).isEqualTo(RtpPacket.OK);
        return depacketizer.onPacket(packet);
    }

    private int feed(long ts, boolean marker, byte[] payload) {
        return feed(TestRtp.packet(sequence++ & 0xFFFF, ts, marker, payload));
    }

    private List<Integer> feedAll(List<byte[]> packets) {
        List<Integer> statuses = new ArrayList<>();
        for (byte[] p : packets) {
            statuses.add(feed(p));
        }
        return statuses;
    }

    private static byte[] fu(byte[] nal, int from, int to, boolean start, boolean end) {
        byte[] p = new byte[2 + to - from];
        p[0] = (byte) ((nal[0] & 0xE0) | 28);
        p[1] = (byte) ((nal[0] & 0x1F) | (start ? 0x80 : 0) | (end ? 0x40 : 0));
        System.arraycopy(nal, from, p, 2, to - from);
        return p;
    }

    private static byte[] stapA(byte[]... nals) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x78);
        for (byte[] n : nals) {
            out.write(n.length >> 8);
            out.write(n.length);
            out.writeBytes(n);
        }
        return out.toByteArray();
    }

    @Test
    void singleNalUnitPacketsMakeOneAccessUnitPerMarker() {
        byte[] idr = slice(5, 50, 1);
        assertThat(feed(0, false, SPS)).isEqualTo(RtpDepacketizer.OK);
        assertThat(feed(0, false, PPS)).isEqualTo(RtpDepacketizer.OK);
        assertThat(feed(0, true, idr)).isEqualTo(RtpDepacketizer.PUBLISHED);
        byte[] p = slice(1, 30, 2);
        assertThat(feed(3000, true, p)).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).hasSize(2);
        AccessUnit key = sink.units.get(0);
        assertThat(key.keyframe()).isTrue();
        assertThat(key.pts()).isZero();
        assertThat(key.payload()).isEqualTo(H264TestPacketizer.avcc(List.of(SPS, PPS, idr)));
        assertThat(sink.units.get(1).keyframe()).isFalse();
        assertThat(sink.units.get(1).pts()).isEqualTo(3000);
        assertThat(sink.units.get(1).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(p)));
    }

    @Test
    void stapAAndFuAAreReassembledIntoAvcc() {
        byte[] idr = slice(5, 4000, 3);
        List<byte[]> packets = new ArrayList<>();
        packets.add(TestRtp.packet(sequence++, 90, false, stapA(SPS, PPS, SEI)));
        packets.add(TestRtp.packet(sequence++, 90, false, fu(idr, 1, 1000, true, false)));
        packets.add(TestRtp.packet(sequence++, 90, false, fu(idr, 1000, 3000, false, false)));
        packets.add(TestRtp.packet(sequence++, 90, true, fu(idr, 3000, 4000, false, true)));
        assertThat(feedAll(packets)).containsExactly(0, 0, 0, 1);
        assertThat(sink.units).hasSize(1);
        assertThat(sink.units.get(0).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(SPS, PPS, SEI, idr)));
        assertThat(sink.units.get(0).keyframe()).isTrue();
    }

    @Test
    void fuaWithAMissingFragmentIsDroppedUntilTheNextIdr() {
        H264TestPacketizer packetizer = new H264TestPacketizer(1200, 65530); // crosses the 16-bit wrap
        List<List<byte[]>> frames = List.of(
                List.of(SPS, PPS, slice(5, 5000, 1)),
                List.of(slice(1, 3000, 2)),
                List.of(slice(1, 3000, 3)),
                List.of(slice(1, 300, 4)),
                List.of(SPS, PPS, slice(5, 5000, 5)),
                List.of(slice(1, 2000, 6)));
        for (int f = 0; f < frames.size(); f++) {
            List<byte[]> packets = packetizer.packetize(frames.get(f), 3000L * f);
            if (f == 1) {
                packets.remove(1); // a middle FU-A fragment of the first P frame is lost
            }
            feedAll(packets);
        }
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(0L, 12_000L, 15_000L);
        assertThat(sink.units).extracting(AccessUnit::keyframe).containsExactly(true, true, false);
        assertThat(depacketizer.lossEvents()).isEqualTo(1);
        assertThat(depacketizer.accessUnitsDropped()).isEqualTo(1);
        assertThat(depacketizer.accessUnitsSkippedUntilKeyframe()).isEqualTo(2);
        assertThat(sink.units.get(1).payload()).isEqualTo(H264TestPacketizer.avcc(frames.get(4)));
    }

    @Test
    void aWholeLostFrameAlsoWaitsForTheNextIdr() {
        feedAll(new H264TestPacketizer(1200, 0).packetize(List.of(SPS, PPS, slice(5, 100, 1)), 0));
        sequence = 3 + 1; // seq 3 (a whole single-packet P frame) is lost
        assertThat(feed(6000, true, slice(1, 100, 2))).isEqualTo(RtpDepacketizer.DROPPED);
        assertThat(feed(9000, true, slice(1, 100, 3))).isEqualTo(RtpDepacketizer.DROPPED);
        assertThat(feed(12000, true, slice(5, 100, 4))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(0L, 12_000L);
    }

    @Test
    void idrWithoutParameterSetsGetsThemFromTheSdpAndInBandOnesWin() {
        byte[] sdpSps = SPS.clone();
        sdpSps[3] = 0x1F;
        depacketizer.setParameterSets(List.of(sdpSps, PPS));
        byte[] idr = slice(5, 40, 1);
        feed(0, true, idr);
        assertThat(sink.units.get(0).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(sdpSps, PPS, idr)));
        feed(3000, false, SPS);
        feed(3000, true, slice(1, 40, 2)); // in-band SPS in a P frame replaces the SDP one
        feed(6000, true, idr);
        assertThat(sink.units.get(2).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(SPS, PPS, idr)));
        assertThat(depacketizer.parameterSets()).containsExactly(SPS, PPS);
    }

    @Test
    void accessUnitEndsOnTimestampChangeWhenTheCameraSendsNoMarker() {
        byte[] idr = slice(5, 40, 1);
        byte[] p = slice(1, 40, 2);
        assertThat(feed(0, false, stapA(SPS, PPS))).isEqualTo(RtpDepacketizer.OK);
        assertThat(feed(0, false, idr)).isEqualTo(RtpDepacketizer.OK);
        assertThat(feed(3000, false, p)).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(depacketizer.flush()).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(0L, 3000L);
        assertThat(sink.units.get(1).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(p)));
    }

    @Test
    void markerOnParameterSetsAloneIsIgnoredAndTheyJoinTheNextSlice() {
        byte[] idr = slice(5, 40, 1);
        assertThat(feed(0, true, stapA(SPS, PPS))).isEqualTo(RtpDepacketizer.OK);
        assertThat(feed(0, true, SEI)).isEqualTo(RtpDepacketizer.OK);
        assertThat(feed(3000, true, idr)).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).hasSize(1);
        assertThat(sink.units.get(0).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(SPS, PPS, SEI, idr)));
        assertThat(sink.units.get(0).pts()).isEqualTo(3000);
    }

    @Test
    void framesBeforeTheFirstIdrAreSkipped() {
        assertThat(feed(0, true, slice(1, 40, 1))).isEqualTo(RtpDepacketizer.DROPPED);
        assertThat(feed(3000, true, slice(5, 40, 2))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(depacketizer.accessUnitsSkippedUntilKeyframe()).isEqualTo(1);
        assertThat(sink.units).hasSize(1);
    }

    @Test
    void stapAWithZeroPaddingAndFuAWithStartAndEndInOnePacketAreAccepted() {
        byte[] idr = slice(5, 40, 1);
        byte[] padded = java.util.Arrays.copyOf(stapA(SPS, PPS), stapA(SPS, PPS).length + 3);
        feed(0, false, padded);
        assertThat(feed(0, true, fu(idr, 1, idr.length, true, true))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units.get(0).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(SPS, PPS, idr)));
    }

    @Test
    void annexBStartCodesInsideAPayloadAreSplit() {
        byte[] idr = slice(5, 40, 1);
        java.io.ByteArrayOutputStream annexB = new java.io.ByteArrayOutputStream();
        for (byte[] nal : List.of(SPS, PPS, idr)) {
            annexB.writeBytes(new byte[] {0, 0, 0, 1});
            annexB.writeBytes(nal);
        }
        assertThat(feed(0, true, annexB.toByteArray())).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units.get(0).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(SPS, PPS, idr)));
    }

    @Test
    void malformedAndUnsupportedPayloadsDropTheirAccessUnitAndAreCounted() {
        byte[] badStap = {0x78, 0x00, 0x40, 0x67};
        assertThat(feed(0, false, badStap)).isEqualTo(RtpDepacketizer.MALFORMED);
        assertThat(feed(0, true, slice(5, 40, 1))).isEqualTo(RtpDepacketizer.DROPPED);
        assertThat(feed(3000, true, new byte[] {0x7D, (byte) 0x85, 0, 0, 1})).isEqualTo(RtpDepacketizer.UNSUPPORTED);
        assertThat(depacketizer.counts().malformed()).isEqualTo(1);
        assertThat(depacketizer.counts().unsupported()).isEqualTo(1);
        assertThat(feed(6000, true, slice(5, 40, 2))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).hasSize(1);
    }

    @Test
    void timestampsAreUnwrappedPastThe32BitWrap() {
        feed(0xFFFF_F000L, true, slice(5, 40, 1));
        feed(0x0000_0BB8L, true, slice(1, 40, 2));
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(0xFFFF_F000L, 0x1_0000_0BB8L);
    }

    @Test
    void anAccessUnitOverTheSizeLimitIsDroppedAndCounted() {
        byte[] idr = slice(5, 40, 1);
        feed(0, true, idr);
        byte[] chunk = new byte[60_000];
        java.util.Arrays.fill(chunk, (byte) 0x11);
        byte[] first = new byte[chunk.length + 2];
        first[0] = 0x7C;
        first[1] = (byte) 0x81; // FU-A start of a non-IDR slice
        int status = feed(3000, false, first);
        int fragments = H264Depacketizer.MAX_ACCESS_UNIT_LENGTH / chunk.length + 1;
        for (int i = 0; i < fragments && status != RtpDepacketizer.TOO_LARGE; i++) {
            byte[] middle = first.clone();
            middle[1] = 0x01;
            status = feed(3000, false, middle);
        }
        assertThat(status).isEqualTo(RtpDepacketizer.TOO_LARGE);
        byte[] single = slice(1, 60_000, 9);
        assertThat(feed(3000, false, single)).isEqualTo(RtpDepacketizer.TOO_LARGE);
        assertThat(feed(3000, false, single)).isEqualTo(RtpDepacketizer.TOO_LARGE);
        assertThat(depacketizer.counts().tooLarge()).isEqualTo(1); // counted once per access unit
        assertThat(feed(6000, true, slice(5, 40, 2))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(0L, 6000L);
    }

    @Test
    void tooManyNalUnitsInOneAccessUnitAreDroppedAndCounted() {
        for (int i = 0; i < H264Depacketizer.MAX_NALS_PER_ACCESS_UNIT; i++) {
            feed(0, false, slice(5, 10, i));
        }
        assertThat(feed(0, true, slice(5, 10, 0))).isEqualTo(RtpDepacketizer.TOO_LARGE);
        assertThat(sink.units).isEmpty();
        assertThat(depacketizer.accessUnitsDropped()).isEqualTo(1);
    }

    @Test
    void parameterSetsGoAfterAnAccessUnitDelimiter() {
        depacketizer.setParameterSets(List.of(SPS, PPS));
        byte[] aud = {0x09, (byte) 0xF0};
        byte[] idr = slice(5, 40, 1);
        feed(0, false, aud);
        assertThat(feed(0, true, idr)).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units.get(0).payload()).isEqualTo(H264TestPacketizer.avcc(List.of(aud, SPS, PPS, idr)));
    }
}
