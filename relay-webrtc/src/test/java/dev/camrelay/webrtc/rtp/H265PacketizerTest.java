package dev.camrelay.webrtc.rtp;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** RFC 7798 packetization, checked by reassembling the packets by hand. */
class H265PacketizerTest {

    private static final byte[] VPS = {0x40, 0x01, 0x0c, 0x01};
    private static final byte[] SPS = {0x42, 0x01, 0x01, 0x01, 0x60};
    private static final byte[] PPS = {0x44, 0x01, (byte) 0xc1, 0x72};

    /** A NAL unit of {@code type} (layer 0, TID 1) with a body of {@code length - 2} counting bytes. */
    private static byte[] nal(int type, int length) {
        byte[] n = new byte[length];
        n[0] = (byte) (type << 1);
        n[1] = 0x01;
        for (int i = 2; i < length; i++) {
            n[i] = (byte) i;
        }
        return n;
    }

    private static UnsafeBuffer accessUnit(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] n : nals) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(n.length).array());
            out.writeBytes(n);
        }
        return new UnsafeBuffer(out.toByteArray());
    }

    private static List<byte[]> packetize(H265Packetizer p, UnsafeBuffer au, long pts, long epoch) {
        List<byte[]> packets = new ArrayList<>();
        if (p.beginAccessUnit(au, 0, au.capacity(), pts, epoch, 0) != VideoPacketizer.READY) {
            return packets;
        }
        UnsafeBuffer out = new UnsafeBuffer(new byte[1500]);
        int length;
        while ((length = p.nextPacket(out, 0)) != VideoPacketizer.DONE) {
            packets.add(Arrays.copyOf(out.byteArray(), length));
        }
        return packets;
    }

    @Test
    void irapGetsVpsSpsPpsFirstAndALargeNalGoesInFragmentationUnits() {
        H265Packetizer p = new H265Packetizer(0x55, 98, 1000, 0, 1162);
        byte[] idr = nal(19, 3000); // IDR_W_RADL
        byte[] sei = nal(39, 40);   // prefix SEI, sent as it is
        List<byte[]> packets = packetize(p, accessUnit(new byte[] {0x46, 0x01, 0x10}, VPS, SPS, PPS, sei, idr), 0, 1);

        assertThat(packets).hasSizeGreaterThanOrEqualTo(7);
        assertThat(Arrays.copyOfRange(packets.get(0), 12, packets.get(0).length)).as("SEI first").isEqualTo(sei);
        assertThat(Arrays.copyOfRange(packets.get(1), 12, packets.get(1).length)).isEqualTo(VPS);
        assertThat(Arrays.copyOfRange(packets.get(2), 12, packets.get(2).length)).isEqualTo(SPS);
        assertThat(Arrays.copyOfRange(packets.get(3), 12, packets.get(3).length)).isEqualTo(PPS);
        // The rest are FUs of the IDR: PayloadHdr type 49 with the NAL's layer and TID, FU header S/E and type 19.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 4; i < packets.size(); i++) {
            byte[] pk = packets.get(i);
            assertThat(pk.length).isLessThanOrEqualTo(12 + 1162);
            assertThat((pk[12] >> 1) & 0x3F).isEqualTo(H265Packetizer.TYPE_FU);
            assertThat(pk[13]).isEqualTo((byte) 0x01);
            assertThat(pk[14] & 0x3F).isEqualTo(19);
            assertThat((pk[14] & 0x80) != 0).as("S on the first FU").isEqualTo(i == 4);
            assertThat((pk[14] & 0x40) != 0).as("E on the last FU").isEqualTo(i == packets.size() - 1);
            assertThat((pk[1] & 0x80) != 0).as("marker on the last packet").isEqualTo(i == packets.size() - 1);
            body.write(pk, 15, pk.length - 15);
        }
        assertThat(body.toByteArray()).isEqualTo(Arrays.copyOfRange(idr, 2, idr.length));
        for (int i = 1; i < packets.size(); i++) {
            int step = (ByteBuffer.wrap(packets.get(i)).getShort(2) - ByteBuffer.wrap(packets.get(i - 1)).getShort(2))
                    & 0xFFFF;
            assertThat(step).isEqualTo(1);
        }
    }

    @Test
    void framesBeforeTheFirstIrapAndAfterAKeyframeRequestAreSkippedAndAudIsDropped() {
        H265Packetizer p = new H265Packetizer(0x55, 98, 0, 0, 1162);
        p.parameterSets(List.of(VPS, SPS, PPS));
        byte[] trail = nal(1, 500);
        assertThat(p.beginAccessUnit(accessUnit(trail), 0, 504, 0, 1, 0))
                .isEqualTo(VideoPacketizer.WAITING_FOR_KEYFRAME);

        List<byte[]> key = packetize(p, accessUnit(new byte[] {0x46, 0x01, 0x10}, nal(21, 800)), 3600, 1);
        assertThat(key).hasSize(4).allSatisfy(pk -> assertThat((pk[12] >> 1) & 0x3F).isNotEqualTo(35));
        assertThat(new UnsafeBuffer(key.get(3)).getInt(4, BIG_ENDIAN)).isEqualTo(0);
        List<byte[]> next = packetize(p, accessUnit(trail), 7200, 1);
        assertThat(next).hasSize(1);
        assertThat(new UnsafeBuffer(next.get(0)).getInt(4, BIG_ENDIAN)).as("90 kHz timestamp").isEqualTo(3600);

        p.requestKeyframe();
        assertThat(packetize(p, accessUnit(trail), 10800, 1)).isEmpty();
        assertThat(packetize(p, accessUnit(nal(19, 100)), 14400, 1)).hasSize(4);
    }

    @Test
    void anIrapWithoutParameterSetsOrWithBrokenLengthsIsRefused() {
        H265Packetizer p = new H265Packetizer(0x55, 98, 0, 0, 1162);
        UnsafeBuffer idr = accessUnit(nal(19, 100));
        assertThat(p.beginAccessUnit(idr, 0, idr.capacity(), 0, 1, 0)).isEqualTo(VideoPacketizer.NO_PARAMETER_SETS);
        UnsafeBuffer broken = new UnsafeBuffer(new byte[] {0, 0, 0, 50, 0x26, 0x01});
        assertThat(p.beginAccessUnit(broken, 0, 6, 0, 1, 0)).isEqualTo(VideoPacketizer.MALFORMED_ACCESS_UNIT);
    }
}
