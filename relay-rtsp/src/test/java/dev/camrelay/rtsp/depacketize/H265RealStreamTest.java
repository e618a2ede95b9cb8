package dev.camrelay.rtsp.depacketize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.TestRtp;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.camrelay.rtsp.testing.ExternalTool;

/**
 * Real x265 output from the system ffmpeg, packetized per RFC 7798 (aggregation packets for small NAL units,
 * fragmentation units for large ones) and run through {@link H265Depacketizer}: the access units must be exactly
 * the source's.
 */
class H265RealStreamTest {

    private static final int MAX_PAYLOAD = 1200;

    @TempDir
    Path dir;

    private static int type(byte[] nal) {
        return (nal[0] >> 1) & 0x3F;
    }

    /** Access units of an H.265 Annex-B stream (H.265 §7.4.2.4.4): a new one at a first slice or a prefix NAL. */
    private static List<List<byte[]>> accessUnits(byte[] stream) {
        List<List<byte[]>> units = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        boolean seenVcl = false;
        for (byte[] nal : AnnexBTestReader.nalUnits(stream)) {
            int t = type(nal);
            boolean vcl = t <= 31;
            boolean firstSlice = vcl && (nal[2] & 0x80) != 0; // first_slice_segment_in_pic_flag
            boolean prefix = t == 32 || t == 33 || t == 34 || t == 35 || t == 39 || (t >= 41 && t <= 44);
            if (seenVcl && (firstSlice || prefix)) {
                units.add(current);
                current = new ArrayList<>();
                seenVcl = false;
            }
            current.add(nal);
            seenVcl |= vcl;
        }
        if (!current.isEmpty()) {
            units.add(current);
        }
        return units;
    }

    private static List<byte[]> packetize(List<byte[]> nals, long ts, int[] sequence) {
        List<byte[]> payloads = new ArrayList<>();
        int i = 0;
        while (i < nals.size()) {
            byte[] nal = nals.get(i);
            if (nal.length > MAX_PAYLOAD) {
                int pos = 2;
                while (pos < nal.length) {
                    int n = Math.min(MAX_PAYLOAD - 3, nal.length - pos);
                    ByteArrayOutputStream fu = new ByteArrayOutputStream();
                    fu.write((nal[0] & 0x81) | (49 << 1));
                    fu.write(nal[1]);
                    fu.write(type(nal) | (pos == 2 ? 0x80 : 0) | (pos + n == nal.length ? 0x40 : 0));
                    fu.write(nal, pos, n);
                    payloads.add(fu.toByteArray());
                    pos += n;
                }
                i++;
                continue;
            }
            int j = i;
            int size = 2;
            while (j < nals.size() && size + 2 + nals.get(j).length <= MAX_PAYLOAD) {
                size += 2 + nals.get(j).length;
                j++;
            }
            if (j - i >= 2) {
                ByteArrayOutputStream ap = new ByteArrayOutputStream();
                ap.write(48 << 1);
                ap.write(1);
                for (int k = i; k < j; k++) {
                    ap.write(nals.get(k).length >> 8);
                    ap.write(nals.get(k).length);
                    ap.writeBytes(nals.get(k));
                }
                payloads.add(ap.toByteArray());
                i = j;
            } else {
                payloads.add(nal);
                i++;
            }
        }
        List<byte[]> packets = new ArrayList<>();
        for (int k = 0; k < payloads.size(); k++) {
            packets.add(TestRtp.packet(sequence[0]++ & 0xFFFF, ts, k == payloads.size() - 1, payloads.get(k)));
        }
        return packets;
    }

    @Test
    void realX265StreamComesOutAsTheSourceAccessUnits() throws Exception {
        String ffmpeg = ExternalTool.require("ffmpeg");
        Path out = dir.resolve("out.h265");
        Path log = dir.resolve("ffmpeg.log");
        Process p = ExternalTool.start(log, 60, ffmpeg, "-nostdin", "-hide_banner", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", "libx265", "-x265-params",
                "keyint=25:min-keyint=25:scenecut=0:log-level=error", "-f", "hevc", out.toString());
        assertThat(ExternalTool.await(p, 60, log)).as("ffmpeg exit; log:\n%s", Files.readString(log)).isZero();
        List<List<byte[]>> source = accessUnits(Files.readAllBytes(out));
        assertThat(source).hasSize(50);

        CollectingSink sink = new CollectingSink();
        H265Depacketizer depacketizer = new H265Depacketizer(0, sink, 0);
        RtpPacket packet = new RtpPacket();
        int[] sequence = {65_500};
        boolean sawAggregation = false;
        boolean sawFragment = false;
        for (int i = 0; i < source.size(); i++) {
            for (byte[] rtp : packetize(source.get(i), 3600L * i, sequence)) {
                int t = (rtp[12] >> 1) & 0x3F;
                sawAggregation |= t == 48;
                sawFragment |= t == 49;
                assertThat(packet.wrap(new UnsafeBuffer(rtp), 0, rtp.length)).isEqualTo(RtpPacket.OK);
                depacketizer.onPacket(packet);
            }
        }
        assertThat(sawAggregation).isTrue();
        assertThat(sawFragment).isTrue();
        List<AccessUnit> units = sink.units;
        assertThat(units).hasSize(source.size());
        for (int i = 0; i < units.size(); i++) {
            boolean irap = source.get(i).stream().anyMatch(n -> type(n) >= 16 && type(n) <= 23);
            assertThat(units.get(i).keyframe()).as("keyframe at %d", i).isEqualTo(irap);
            assertThat(units.get(i).payload()).as("access unit %d", i)
                    .isEqualTo(H264TestPacketizer.avcc(source.get(i)));
        }
        assertThat(units.get(0).keyframe()).isTrue();
        // x265's open GOP: an IDR, then a CRA (IRAP, followed by RASL pictures) decoded before its leading frames
        assertThat(units.stream().filter(AccessUnit::keyframe).count()).isEqualTo(2);
        assertThat(depacketizer.lossEvents()).isZero();
    }
}
