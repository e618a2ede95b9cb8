package dev.camrelay.rtsp.depacketize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.rtsp.message.InterleavedFrame;
import dev.camrelay.rtsp.message.RtspFramer;
import dev.camrelay.rtsp.message.RtspRequest;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.TestRtp;
import dev.camrelay.rtsp.sdp.LatmFmtp;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.rtsp.sdp.SdpParser;
import dev.camrelay.rtsp.sdp.SdpTrackFormats;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * MP4A-LATM (RFC 6416) from real captures of what two publishers sent over RTSP (TCP interleaved, recorded by
 * {@code scripts/fuzz/capture-rtsp-push.py}, docs/fuzzing.md): GStreamer 1.22's {@code rtspclientsink} with
 * {@code audiotestsrc ! voaacenc bitrate=64000} (48 kHz stereo, one AudioMuxElement per packet, a config that
 * stops after the AudioSpecificConfig) and FFmpeg 5.1's {@code -c:a aac -b:a 320k -rtpflags latm -pkt_size 300}
 * (44.1 kHz stereo, 2 s of a sine, elements fragmented over two or three packets with the marker on the last).
 */
class LatmDepacketizerTest {

    /** AAC syntax element of a stereo raw_data_block's first element (ISO/IEC 14496-3 Table 4.85: ID_CPE). */
    private static final int ID_CPE = 1;

    private record Capture(MediaDescription media, List<byte[]> rtp) {
    }

    /** A capture of {@code scripts/fuzz/capture-rtsp-push.py}, read with the relay's own framer. */
    private static Capture capture(String name) throws IOException {
        byte[] raw;
        try (InputStream in = LatmDepacketizerTest.class.getResourceAsStream("/captures/latm/" + name + ".rtsp")) {
            raw = in.readAllBytes();
        }
        EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer());
        ch.writeInbound(Unpooled.wrappedBuffer(raw));
        MediaDescription media = null;
        List<byte[]> rtp = new ArrayList<>();
        for (Object m = ch.readInbound(); m != null; m = ch.readInbound()) {
            if (m instanceof RtspRequest r && r.method().equals("ANNOUNCE")) {
                media = SdpParser.parse(r.body()).media().getFirst();
            } else if (m instanceof InterleavedFrame f && f.channel() == 0) { // RTP; channel 1 is RTCP
                byte[] p = new byte[f.content().readableBytes()];
                f.content().getBytes(f.content().readerIndex(), p);
                rtp.add(p);
            }
            ReferenceCountUtil.release(m);
        }
        ch.finishAndReleaseAll(); // the capture stops in the middle of a frame
        return new Capture(media, rtp);
    }

    private static List<AccessUnit> depacketize(Capture c, Set<Integer> lost, LatmDepacketizer d,
                                                CollectingSink sink) {
        RtpPacket packet = new RtpPacket();
        for (int i = 0; i < c.rtp().size(); i++) {
            if (!lost.contains(i)) {
                byte[] p = c.rtp().get(i);
                assertThat(packet.wrap(new UnsafeBuffer(p), 0, p.length)).isEqualTo(RtpPacket.OK);
                d.onPacket(packet);
            }
        }
        d.flush();
        return sink.units;
    }

    private static LatmDepacketizer depacketizer(Capture c, CollectingSink sink) {
        LatmFmtp fmtp = LatmFmtp.of(c.media());
        assertThat(fmtp).as("fmtp of %s", c.media()).isNotNull();
        return new LatmDepacketizer(1, sink, fmtp, c.media().clockRate(), false);
    }

    /** The AAC frames in the capture, each whole element at its marker, by the PayloadLengthInfo rule. */
    private static List<byte[]> framesByMarker(Capture c) {
        List<byte[]> frames = new ArrayList<>();
        java.io.ByteArrayOutputStream element = new java.io.ByteArrayOutputStream();
        for (byte[] p : c.rtp()) {
            element.write(p, 12, p.length - 12);
            if ((p[1] & 0x80) != 0) {
                byte[] e = element.toByteArray();
                int pos = 0;
                int size = 0;
                while ((e[pos] & 0xFF) == 255) {
                    size += 255;
                    pos++;
                }
                size += e[pos++] & 0xFF;
                assertThat(pos + size).as("one frame per element in these captures").isEqualTo(e.length);
                frames.add(Arrays.copyOfRange(e, pos, e.length));
                element.reset();
            }
        }
        return frames;
    }

    @Test
    void rtspClientSinkConfigIsReadAsAacLowComplexity48kStereo() throws IOException {
        Capture c = capture("rtspclientsink-voaacenc");
        LatmFmtp fmtp = LatmFmtp.of(c.media());
        assertThat(fmtp.config()).containsExactly(0x11, 0x90); // AAC LC, 48 kHz, 2 channels
        assertThat(fmtp.subFrames()).isEqualTo(1);
        assertThat(fmtp.otherDataPresent()).isFalse();
        assertThat(fmtp.ticksPerFrame(48_000)).isEqualTo(1024);

        TrackFormat format = SdpTrackFormats.of(1, c.media());
        assertThat(format.codec()).isEqualTo(Codec.AAC);
        assertThat(format.sampleRate()).isEqualTo(48_000);
        assertThat(format.channels()).as("from the config; the rtpmap says no channel count").isEqualTo(2);
        assertThat(format.parameterSets().getFirst()).containsExactly(0x11, 0x90);
    }

    @Test
    void rtspClientSinkFramesArePublishedWholeOneAPacketAtConsecutiveTimestamps() throws IOException {
        Capture c = capture("rtspclientsink-voaacenc");
        CollectingSink sink = new CollectingSink();
        LatmDepacketizer d = depacketizer(c, sink);
        List<AccessUnit> units = depacketize(c, Set.of(), d, sink);

        // The first element is dropped: nothing says the first packet seen is the start of one.
        assertThat(units).hasSize(c.rtp().size() - 1);
        List<byte[]> expected = framesByMarker(c);
        for (int i = 0; i < units.size(); i++) {
            assertThat(units.get(i).payload()).as("frame %d", i).isEqualTo(expected.get(i + 1));
            assertThat((units.get(i).payload()[0] & 0xFF) >>> 5).as("frame %d starts with a CPE", i)
                    .isEqualTo(ID_CPE);
            if (i > 0) {
                assertThat(units.get(i).pts() - units.get(i - 1).pts()).isEqualTo(1024);
            }
        }
        assertThat(units).allMatch(u -> !u.keyframe() && u.track() == 1);
        byte[] last = c.rtp().getLast();
        assertThat(d.accessUnitsDropped()).as("the first element, and the last if the capture cut it short")
                .isEqualTo((last[1] & 0x80) != 0 ? 1 : 2);
        assertThat(d.counts().malformed()).isZero();
    }

    @Test
    void ffmpegElementsFragmentedOverPacketsAreReassembledAtTheirMarker() throws IOException {
        Capture c = capture("ffmpeg-latm-fragmented");
        LatmFmtp fmtp = LatmFmtp.of(c.media());
        assertThat(fmtp.config()).containsExactly(0x12, 0x10); // AAC LC, 44.1 kHz, 2 channels
        assertThat(SdpTrackFormats.of(0, c.media()).sampleRate()).isEqualTo(44_100);
        CollectingSink sink = new CollectingSink();
        LatmDepacketizer d = depacketizer(c, sink);
        List<AccessUnit> units = depacketize(c, Set.of(), d, sink);

        List<byte[]> expected = framesByMarker(c);
        assertThat(c.rtp().size()).as("fragmented: more packets than frames").isGreaterThan(2 * expected.size());
        assertThat(expected.stream().filter(f -> f.length > 300).count()).as("frames larger than a packet")
                .isGreaterThan(expected.size() / 2);
        assertThat(units).hasSize(expected.size() - 1);
        for (int i = 0; i < units.size(); i++) {
            assertThat(units.get(i).payload()).as("frame %d", i).isEqualTo(expected.get(i + 1));
            assertThat((units.get(i).payload()[0] & 0xFF) >>> 5).isEqualTo(ID_CPE);
        }
        byte[] last = c.rtp().getLast();
        assertThat(d.accessUnitsDropped()).as("the first element, and the last if the capture cut it short")
                .isEqualTo((last[1] & 0x80) != 0 ? 1 : 2);
        assertThat(d.counts().malformed()).isZero();
    }

    @Test
    void aLostFragmentDropsItsElementAtMostTheNextAndNoTornFrameIsPublished() throws IOException {
        Capture c = capture("ffmpeg-latm-fragmented");
        List<byte[]> expected = framesByMarker(c);
        // Elements are packets 0-2, 3-5, 6-7, 8-10, ... Packet 0 lost: the stream starts in the middle of element 0,
        // which is dropped as the first element always is. Packet 4 (a middle): element 1 is dropped. Packets 7 and
        // 10 (last fragments): their element, and the next one, whose first packet might as well be the middle of
        // one after a gap. Besides the first element, dropped at the start in every case.
        List<Integer> markers = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            if ((c.rtp().get(i)[1] & 0x80) != 0) {
                markers.add(i);
            }
        }
        assertThat(markers).as("the layout this test relies on").containsExactly(2, 5, 7, 10);
        for (int[] lostAndCost : new int[][] {{0, 1}, {4, 2}, {7, 3}, {10, 3}}) {
            int lost = lostAndCost[0];
            CollectingSink sink = new CollectingSink();
            LatmDepacketizer d = depacketizer(c, sink);
            List<AccessUnit> units = depacketize(c, Set.of(lost), d, sink);
            assertThat(units).as("lost packet %d", lost).hasSize(expected.size() - lostAndCost[1]);
            assertThat(d.lossEvents()).isEqualTo(lost == 0 ? 0 : 1);
            for (AccessUnit u : units) {
                assertThat(expected).as("lost %d: a published frame is one of the sender's, whole", lost)
                        .anyMatch(e -> Arrays.equals(e, u.payload()));
            }
        }
    }

    @Test
    void aLostSinglePacketElementCostsItAndTheNextOneAtMost() throws IOException {
        Capture c = capture("rtspclientsink-voaacenc");
        CollectingSink sink = new CollectingSink();
        LatmDepacketizer d = depacketizer(c, sink);
        List<AccessUnit> units = depacketize(c, Set.of(10), d, sink);
        // LATM says nothing that tells a whole element from the middle of one whose start was lost, so the packet
        // after a gap is dropped too.
        assertThat(units).hasSize(c.rtp().size() - 3); // the first, the lost and the one after it
        assertThat(d.accessUnitsDropped()).isEqualTo(2);
        List<byte[]> expected = framesByMarker(c);
        assertThat(units.get(8).payload()).isEqualTo(expected.get(9));
        assertThat(units.get(9).payload()).isEqualTo(expected.get(12));
    }

    @Test
    void lengthsThatDoNotAddUpAreMalformedAndPublishNothing() {
        CollectingSink sink = new CollectingSink();
        LatmDepacketizer d = new LatmDepacketizer(0, sink, LatmFmtpTestValues.STEREO_48K, 48_000, true);
        RtpPacket packet = new RtpPacket();
        byte[] first = TestRtp.packet(0, 0, true, new byte[] {1, 0x21});
        packet.wrap(new UnsafeBuffer(first), 0, first.length);
        assertThat(d.onPacket(packet)).as("the first element is dropped").isEqualTo(RtpDepacketizer.DROPPED);
        int seq = 1;
        for (byte[] payload : List.of(new byte[] {10, 1, 2, 3}, new byte[] {(byte) 255}, new byte[] {0},
                new byte[] {3, 1, 2, 3, 9})) {
            byte[] rtp = TestRtp.packet(seq, seq * 1024L, true, payload);
            seq++;
            packet.wrap(new UnsafeBuffer(rtp), 0, rtp.length);
            assertThat(d.onPacket(packet)).isEqualTo(RtpDepacketizer.MALFORMED);
        }
        byte[] rtp = TestRtp.packet(seq, seq * 1024L, true, new byte[] {3, 0x21, 2, 3, 2, 0x21, 5});
        packet.wrap(new UnsafeBuffer(rtp), 0, rtp.length);
        assertThat(d.onPacket(packet)).as("two elements in one packet").isEqualTo(RtpDepacketizer.PUBLISHED);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(5 * 1024L, 6 * 1024L);
        assertThat(sink.units).allMatch(AccessUnit::keyframe);
        assertThat(d.counts().malformed()).isEqualTo(4);
    }

    @Test
    void twoSubFramesPerElementGetConsecutiveTimestampsAndAreCheckedTogether() {
        LatmFmtp two = LatmFmtp.of(SdpParser.parse("v=0\r\ns=x\r\nm=audio 0 RTP/AVP 96\r\n"
                + "a=rtpmap:96 MP4A-LATM/48000/2\r\na=fmtp:96 cpresent=0;config=41002320\r\n").media().getFirst());
        assertThat(two.subFrames()).isEqualTo(2);
        CollectingSink sink = new CollectingSink();
        LatmDepacketizer d = new LatmDepacketizer(0, sink, two, 48_000, false);
        RtpPacket packet = new RtpPacket();
        byte[] big = new byte[300];
        Arrays.fill(big, (byte) 0x21);
        java.io.ByteArrayOutputStream element = new java.io.ByteArrayOutputStream();
        element.write(255);
        element.write(45); // 300 = 255 + 45
        element.writeBytes(big);
        element.write(2);
        element.writeBytes(new byte[] {0x21, 7});
        byte[][] payloads = {new byte[] {1, 0x21, 1, 0x22}, element.toByteArray(), new byte[] {3, 0x21, 1, 2}};
        int[] statuses = new int[payloads.length];
        for (int i = 0; i < payloads.length; i++) {
            byte[] rtp = TestRtp.packet(i, i * 2048L, true, payloads[i]);
            packet.wrap(new UnsafeBuffer(rtp), 0, rtp.length);
            statuses[i] = d.onPacket(packet);
        }
        // The first element is dropped as a first always is; the third lacks its second sub-frame.
        assertThat(statuses).containsExactly(RtpDepacketizer.DROPPED, RtpDepacketizer.PUBLISHED,
                RtpDepacketizer.MALFORMED);
        assertThat(sink.units).extracting(AccessUnit::pts).containsExactly(2048L, 3072L);
        assertThat(sink.units.get(0).payload()).isEqualTo(big);
        assertThat(sink.units.get(1).payload()).containsExactly(0x21, 7);
    }
}
