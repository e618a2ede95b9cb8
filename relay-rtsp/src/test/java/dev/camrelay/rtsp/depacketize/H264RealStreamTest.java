package dev.camrelay.rtsp.depacketize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.rtsp.rtp.RtpPacket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import dev.camrelay.rtsp.testing.ExternalTool;

/**
 * Real x264 output from the system ffmpeg, packetized per RFC 6184 (STAP-A for small NAL units, FU-A for large
 * ones) and run through {@link H264Depacketizer}: the access units must be exactly the source's.
 */
class H264RealStreamTest {

    private static final int FRAMES = 50;
    private static final int GOP = 25;

    /** x264 settings: its defaults (B-frames, one slice per picture), and four slices per picture. */
    private static final String[] VARIANTS = {"bframes=3", "slices=4"};

    @TempDir
    static Path dir;
    private static final Map<String, List<List<byte[]>>> ENCODED = new HashMap<>();
    private List<List<byte[]>> sourceAccessUnits;

    private static List<List<byte[]>> encode(String x264Params) throws Exception {
        List<List<byte[]>> cached = ENCODED.get(x264Params);
        if (cached != null) {
            return cached;
        }
        String ffmpeg = ExternalTool.require("ffmpeg");
        Path out = dir.resolve("out-" + x264Params.replace('=', '-') + ".h264");
        Path log = dir.resolve("ffmpeg-" + x264Params.replace('=', '-') + ".log");
        Process p = ExternalTool.start(log, 60, ffmpeg, "-nostdin", "-hide_banner", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", "libx264", "-g", String.valueOf(GOP),
                "-x264-params", x264Params, "-bsf:v", "h264_mp4toannexb", "-f", "h264", out.toString());
        assertThat(ExternalTool.await(p, 60, log)).as("ffmpeg exit status; log:\n%s", Files.exists(log)
                ? Files.readString(log) : "").isZero();
        List<List<byte[]>> units = AnnexBTestReader.accessUnits(Files.readAllBytes(out));
        ENCODED.put(x264Params, units);
        return units;
    }

    private static List<Integer> idrIndexes(List<List<byte[]>> units) {
        List<Integer> idr = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            if (units.get(i).stream().anyMatch(n -> (n[0] & 0x1F) == 5)) {
                idr.add(i);
            }
        }
        return idr;
    }

    private static List<AccessUnit> depacketize(H264Depacketizer depacketizer, CollectingSink sink,
                                                List<List<byte[]>> packetsPerUnit) {
        RtpPacket packet = new RtpPacket();
        for (List<byte[]> packets : packetsPerUnit) {
            for (byte[] rtp : packets) {
                assertThat(packet.wrap(new UnsafeBuffer(rtp), 0, rtp.length)).isEqualTo(RtpPacket.OK);
                depacketizer.onPacket(packet);
            }
        }
        return sink.units;
    }

    private List<List<byte[]>> packetize(int mtu) {
        H264TestPacketizer packetizer = new H264TestPacketizer(mtu, 65_000);
        List<List<byte[]>> packets = new ArrayList<>();
        for (int i = 0; i < sourceAccessUnits.size(); i++) {
            packets.add(packetizer.packetize(sourceAccessUnits.get(i), 3600L * i));
        }
        return packets;
    }

    @ParameterizedTest(name = "x264 {0}")
    @FieldSource("VARIANTS")
    void realX264StreamComesOutAsTheSourceAccessUnits(String x264Params) throws Exception {
        sourceAccessUnits = encode(x264Params);
        if (x264Params.startsWith("slices")) {
            assertThat(sourceAccessUnits.get(1).stream().filter(n -> (n[0] & 0x1F) == 1).count()).isEqualTo(4);
        }
        assertThat(sourceAccessUnits).hasSize(FRAMES);
        List<Integer> sourceIdr = idrIndexes(sourceAccessUnits);
        assertThat(sourceIdr).contains(0, GOP);
        CollectingSink sink = new CollectingSink();
        H264Depacketizer depacketizer = new H264Depacketizer(0, sink);
        List<List<byte[]>> packets = packetize(1200);
        assertThat(packets.stream().flatMap(List::stream).anyMatch(p -> (p[12] & 0x1F) == 28)).isTrue();
        assertThat(packets.stream().flatMap(List::stream).anyMatch(p -> (p[12] & 0x1F) == 24)).isTrue();

        List<AccessUnit> units = depacketize(depacketizer, sink, packets);

        assertThat(units).hasSize(FRAMES);
        for (int i = 0; i < FRAMES; i++) {
            AccessUnit au = units.get(i);
            assertThat(au.pts()).isEqualTo(3600L * i);
            assertThat(au.keyframe()).as("keyframe at %d", i).isEqualTo(sourceIdr.contains(i));
            assertThat(au.payload()).as("access unit %d", i)
                    .isEqualTo(H264TestPacketizer.avcc(sourceAccessUnits.get(i)));
        }
        assertThat(depacketizer.lossEvents()).isZero();
        assertThat(depacketizer.accessUnitsDropped()).isZero();
        // every keyframe carries SPS and PPS before its slices
        for (int i : sourceIdr) {
            byte[] p = units.get(i).payload();
            assertThat(p[4] & 0x1F).isEqualTo(7);
        }
    }

    @ParameterizedTest(name = "x264 {0}")
    @FieldSource("VARIANTS")
    void aLostFragmentDropsItsFrameAndEverythingUntilTheNextKeyframe(String x264Params) throws Exception {
        sourceAccessUnits = encode(x264Params);
        List<Integer> sourceIdr = idrIndexes(sourceAccessUnits);
        List<List<byte[]>> packets = packetize(300);
        int damaged = 5;
        while (packets.get(damaged).size() < 3 || sourceIdr.contains(damaged)) {
            damaged++;
        }
        int firstDamaged = damaged;
        int nextIdr = sourceIdr.stream().filter(i -> i > firstDamaged).findFirst().orElseThrow();
        List<byte[]> damagedPackets = new ArrayList<>(packets.get(damaged));
        damagedPackets.remove(damagedPackets.size() / 2);
        packets.set(damaged, damagedPackets);

        CollectingSink sink = new CollectingSink();
        H264Depacketizer depacketizer = new H264Depacketizer(0, sink);
        List<AccessUnit> units = depacketize(depacketizer, sink, packets);

        List<Long> expectedPts = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            if (i < damaged || i >= nextIdr) {
                expectedPts.add(3600L * i);
            }
        }
        assertThat(units).extracting(AccessUnit::pts).containsExactlyElementsOf(expectedPts);
        assertThat(depacketizer.accessUnitsDropped()).isEqualTo(1);
        assertThat(depacketizer.accessUnitsSkippedUntilKeyframe()).isEqualTo(nextIdr - damaged - 1);
        assertThat(units.get(damaged).keyframe()).isTrue();
    }
}
