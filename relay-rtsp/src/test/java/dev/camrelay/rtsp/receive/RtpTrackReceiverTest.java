package dev.camrelay.rtsp.receive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.H264Depacketizer;
import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.rtp.RtpClockMapping;
import dev.camrelay.rtsp.rtp.TestRtp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RtpTrackReceiverTest {

    private static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xD9, (byte) 0x80};
    private static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};

    private final List<AccessUnit> units = new ArrayList<>();
    private final AccessUnitSink sink = (track, pts, dts, key, buffer, offset, length) -> {
        byte[] b = new byte[length];
        buffer.getBytes(offset, b);
        units.add(new AccessUnit(track, pts, dts, key, b));
    };

    private static byte[] slice(int type, int seed) {
        byte[] s = new byte[30];
        s[0] = (byte) (0x60 | type);
        s[1] = (byte) 0x88;
        for (int i = 2; i < s.length; i++) {
            s[i] = (byte) (seed + i | 1);
        }
        return s;
    }

    private static int rtp(RtpTrackReceiver r, int seq, long ts, int ssrc, byte[] payload) {
        byte[] p = TestRtp.packet(seq, ts, true, 96, ssrc, payload);
        return r.onRtp(new UnsafeBuffer(p), 0, p.length, seq * 40_000_000L);
    }

    @Test
    void aNewSsrcResetsTheTrackAndWaitsForItsKeyframe() {
        H264Depacketizer d = new H264Depacketizer(0, sink);
        d.setParameterSets(List.of(SPS, PPS));
        RtpTrackReceiver r = new RtpTrackReceiver(90_000, d, true);
        assertThat(rtp(r, 100, 0, 1, slice(5, 1))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(rtp(r, 101, 3600, 1, slice(1, 2))).isEqualTo(RtpDepacketizer.PUBLISHED);
        // The camera restarted: new SSRC, new numbering far behind, new timestamps.
        assertThat(rtp(r, 7, 500_000, 2, slice(1, 3))).isEqualTo(RtpDepacketizer.DROPPED);
        assertThat(rtp(r, 8, 503_600, 2, slice(5, 4))).isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(r.ssrcChanges()).isEqualTo(1);
        assertThat(r.packetsLost()).isZero();
        assertThat(units).extracting(AccessUnit::keyframe).containsExactly(true, false, true);
        assertThat(units.get(2).pts()).isEqualTo(503_600);
    }

    @Test
    void invalidPacketsAreCountedNotThrown() {
        RtpTrackReceiver r = new RtpTrackReceiver(90_000, new H264Depacketizer(0, sink), false);
        byte[] junk = {0x12, 0x34, 0x56};
        assertThat(r.onRtp(new UnsafeBuffer(junk), 0, junk.length, 0)).isEqualTo(RtpTrackReceiver.INVALID);
        assertThat(r.invalidPackets()).isEqualTo(1);
    }

    @Test
    void senderReportsSetTheClockAndReceiverReportsCarryLsr() {
        RtpTrackReceiver r = new RtpTrackReceiver(90_000, new H264Depacketizer(0, sink), false);
        UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        assertThat(r.writeReceiverReport(out, 0, 0x99, 0)).isZero();
        rtp(r, 1, 1000, 0x55, slice(5, 1));
        long ntp = RtpClockMapping.unixNanosToNtp(1_800_000_000_000_000_000L);
        ByteBuffer sr = ByteBuffer.allocate(28);
        sr.put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(0x55).putLong(ntp).putInt(1000)
                .putInt(1).putInt(100);
        r.onRtcp(new UnsafeBuffer(sr.array()), 0, 28, 5_000_000_000L);
        assertThat(r.senderReports()).isEqualTo(1);
        assertThat(r.clock().wallclockNanos(1000 + 90_000)).isEqualTo(1_800_000_001_000_000_000L);
        assertThat(r.writeReceiverReport(out, 0, 0x99, 6_000_000_000L)).isEqualTo(32);
        assertThat(out.getInt(8, ByteOrder.BIG_ENDIAN)).isEqualTo(0x55);
        assertThat(out.getInt(24, ByteOrder.BIG_ENDIAN)).isEqualTo((int) (ntp >>> 16));
        assertThat(out.getInt(28, ByteOrder.BIG_ENDIAN)).isEqualTo(65_536);
    }

    @Test
    void accessUnitsPublishIntoAStreamBufferAndReadBackWhole() {
        StreamFormat format = new StreamFormat(List.of(
                TrackFormat.video(0, Codec.H264, "Baseline", "3.0", 320, 240, 25, List.of(SPS, PPS))));
        StreamKey key = new StreamKey("cam-a", 1, StreamKey.SOURCE_RENDITION);
        StreamBuffer buffer = new StreamBuffer(key, format, 1 << 16);
        StreamReader reader = buffer.openReader(key, (expected, where, detail) -> {
            throw new AssertionError(where + ": " + detail);
        });
        H264Depacketizer d = new H264Depacketizer(0, AccessUnitSink.of(buffer));
        RtpTrackReceiver r = new RtpTrackReceiver(90_000, d, false);
        byte[] idr = slice(5, 1);
        byte[] p = slice(1, 2);
        rtp(r, 1, 0, 7, slice(1, 0)); // before any keyframe: skipped
        rtp(r, 2, 3600, 7, SPS);
        rtp(r, 3, 3600, 7, PPS);
        rtp(r, 4, 3600, 7, idr);
        rtp(r, 5, 7200, 7, p);
        List<AccessUnit> read = new ArrayList<>();
        while (reader.poll() == StreamReader.FRAME) {
            read.add(reader.frame().toAccessUnit());
        }
        assertThat(read).hasSize(2);
        assertThat(read.get(0).keyframe()).isTrue();
        assertThat(read.get(0).pts()).isEqualTo(3600);
        assertThat(read.get(0).payload()).isEqualTo(avcc(SPS, PPS, idr));
        assertThat(read.get(1).payload()).isEqualTo(avcc(p));
        assertThat(buffer.framesPublished()).isEqualTo(2);
        assertThat(d.accessUnitsSkippedUntilKeyframe()).isEqualTo(1);
        reader.close();
    }

    private static byte[] avcc(byte[]... nals) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(nals).mapToInt(n -> n.length + 4).sum());
        for (byte[] n : nals) {
            b.putInt(n.length).put(n);
        }
        return b.array();
    }
}
