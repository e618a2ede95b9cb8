package dev.camrelay.rtsp.depacketize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.TestRtp;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class AudioDepacketizerTest {

    private final CollectingSink sink = new CollectingSink();
    private final RtpPacket packet = new RtpPacket();
    private int sequence;

    private int feed(RtpDepacketizer d, long ts, boolean marker, byte[] payload) {
        byte[] rtp = TestRtp.packet(sequence++ & 0xFFFF, ts, marker, payload);
        assertThat(packet.wrap(new UnsafeBuffer(rtp), 0, rtp.length)).isEqualTo(RtpPacket.OK);
        return d.onPacket(packet);
    }

    private static byte[] frame(int length, int seed) {
        byte[] f = new byte[length];
        Arrays.fill(f, (byte) seed);
        f[0] = 0x21;
        return f;
    }

    /** AU-headers section for sizelength=13, indexlength=3, indexdeltalength=3 (RFC 3640 §3.3.6), then data. */
    private static byte[] aacHbr(int[] headerSizes, byte[]... data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int bits = 16 * headerSizes.length;
        out.write(bits >> 8);
        out.write(bits);
        for (int size : headerSizes) {
            int h = size << 3; // index / index-delta 0
            out.write(h >> 8);
            out.write(h);
        }
        for (byte[] d : data) {
            out.writeBytes(d);
        }
        return out.toByteArray();
    }

    private AacDepacketizer aac() {
        return new AacDepacketizer(1, sink, 13, 3, 3, 1024, false);
    }

    @Test
    void severalAacFramesInOnePacketGetConsecutiveTimestamps() {
        AacDepacketizer d = aac();
        byte[] a = frame(200, 1);
        byte[] b = frame(180, 2);
        byte[] c = frame(7, 3);
        assertThat(feed(d, 48_000, true, aacHbr(new int[] {200, 180, 7}, a, b, c)))
                .isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(48_000L, 49_024L, 50_048L);
        assertThat(sink.units.get(0).payload()).isEqualTo(a);
        assertThat(sink.units.get(1).payload()).isEqualTo(b);
        assertThat(sink.units.get(2).payload()).isEqualTo(c);
        assertThat(sink.units.get(0).keyframe()).isFalse();
    }

    @Test
    void aFragmentedAacFrameIsReassembled() {
        AacDepacketizer d = aac();
        byte[] big = frame(3000, 4);
        assertThat(feed(d, 0, false, aacHbr(new int[] {3000}, Arrays.copyOfRange(big, 0, 1400))))
                .isEqualTo(RtpDepacketizer.OK);
        assertThat(feed(d, 0, false, aacHbr(new int[] {3000}, Arrays.copyOfRange(big, 1400, 2800))))
                .isEqualTo(RtpDepacketizer.OK);
        assertThat(feed(d, 0, true, aacHbr(new int[] {3000}, Arrays.copyOfRange(big, 2800, 3000))))
                .isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).hasSize(1);
        assertThat(sink.units.get(0).payload()).isEqualTo(big);
    }

    @Test
    void aFragmentedAacFrameWithALostPacketIsDroppedAndTheNextFrameKept() {
        AacDepacketizer d = aac();
        byte[] big = frame(3000, 4);
        feed(d, 0, false, aacHbr(new int[] {3000}, Arrays.copyOfRange(big, 0, 1400)));
        sequence++; // lost
        assertThat(feed(d, 0, true, aacHbr(new int[] {3000}, Arrays.copyOfRange(big, 2800, 3000))))
                .isEqualTo(RtpDepacketizer.DROPPED);
        byte[] next = frame(100, 5);
        assertThat(feed(d, 1024, true, aacHbr(new int[] {100}, next))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(1024L);
        assertThat(d.accessUnitsDropped()).isEqualTo(1);
        assertThat(d.lossEvents()).isEqualTo(1);
    }

    @Test
    void aFragmentedAacFrameWhoseStartWasLostIsSkippedWhole() {
        AacDepacketizer d = aac();
        feed(d, 0, true, aacHbr(new int[] {10}, frame(10, 1)));
        sequence++; // the first fragment of the next AU is lost
        byte[] big = frame(3000, 4);
        assertThat(feed(d, 1024, false, aacHbr(new int[] {3000}, Arrays.copyOfRange(big, 1400, 2800))))
                .isEqualTo(RtpDepacketizer.DROPPED);
        assertThat(feed(d, 1024, true, aacHbr(new int[] {3000}, Arrays.copyOfRange(big, 2800, 3000))))
                .isEqualTo(RtpDepacketizer.DROPPED);
        assertThat(feed(d, 2048, true, aacHbr(new int[] {10}, frame(10, 2)))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(0L, 2048L);
        assertThat(d.accessUnitsDropped()).isEqualTo(1);
        assertThat(d.counts().malformed()).isZero();
    }

    @Test
    void adtsHeadersInsideAusAreStripped() {
        AacDepacketizer d = aac();
        byte[] raw = frame(50, 6);
        byte[] adts = new byte[7 + raw.length];
        int len = adts.length;
        adts[0] = (byte) 0xFF;
        adts[1] = (byte) 0xF1;
        adts[2] = 0x50;
        adts[3] = (byte) (0x80 | (len >> 11));
        adts[4] = (byte) (len >> 3);
        adts[5] = (byte) ((len & 7) << 5 | 0x1F);
        adts[6] = (byte) 0xFC;
        System.arraycopy(raw, 0, adts, 7, raw.length);
        feed(d, 0, true, aacHbr(new int[] {adts.length}, adts));
        assertThat(sink.units.get(0).payload()).isEqualTo(raw);
    }

    @Test
    void truncatedAuHeadersAreMalformed() {
        AacDepacketizer d = aac();
        assertThat(feed(d, 0, true, new byte[] {0x00, 0x10, 0x01})).isEqualTo(RtpDepacketizer.MALFORMED);
        assertThat(feed(d, 0, true, aacHbr(new int[] {500, 5}, frame(10, 1)))).isEqualTo(RtpDepacketizer.MALFORMED);
        assertThat(d.counts().malformed()).isEqualTo(2);
        assertThat(sink.units).isEmpty();
    }

    @Test
    void opusAndG711PacketsArePublishedWholeAndLossIsCounted() {
        FramePerPacketDepacketizer opus = FramePerPacketDepacketizer.opus(2, sink, true);
        byte[] o1 = frame(60, 1);
        feed(opus, 960, true, o1);
        sequence++;
        feed(opus, 2880, true, frame(70, 2));
        assertThat(feed(opus, 3840, true, new byte[0])).isEqualTo(RtpDepacketizer.OK);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(960L, 2880L);
        assertThat(sink.units.get(0).payload()).isEqualTo(o1);
        assertThat(sink.units.get(0).keyframe()).isTrue();
        assertThat(opus.lossEvents()).isEqualTo(1);
        assertThat(opus.emptyPackets()).isEqualTo(1);

        FramePerPacketDepacketizer g711 = FramePerPacketDepacketizer.g711(3, sink, false);
        byte[] samples = frame(160, 0x55);
        assertThat(feed(g711, 160, false, samples)).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units.get(2).payload()).isEqualTo(samples);
        assertThat(sink.units.get(2).track()).isEqualTo(3);
    }
}
