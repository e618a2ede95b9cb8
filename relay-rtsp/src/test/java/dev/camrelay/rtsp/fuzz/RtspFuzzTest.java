package dev.camrelay.rtsp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.camrelay.core.codec.h264.SequenceParameterSet;
import dev.camrelay.core.codec.h265.H265SequenceParameterSet;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.rtsp.auth.AuthChallenge;
import dev.camrelay.rtsp.client.Redirects;
import dev.camrelay.rtsp.client.PullSessionListener;
import dev.camrelay.rtsp.client.RtspPullSession;
import dev.camrelay.rtsp.client.TrackDepacketizers;
import dev.camrelay.rtsp.auth.DigestAuth;
import dev.camrelay.rtsp.depacketize.AacDepacketizer;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.FramePerPacketDepacketizer;
import dev.camrelay.rtsp.depacketize.H264Depacketizer;
import dev.camrelay.rtsp.depacketize.H265Depacketizer;
import dev.camrelay.rtsp.depacketize.LatmDepacketizer;
import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.message.RtspFramer;
import dev.camrelay.rtsp.message.RtspTransport;
import dev.camrelay.rtsp.receive.RtpTrackReceiver;
import dev.camrelay.rtsp.rtp.RtcpReceiverReportWriter;
import dev.camrelay.rtsp.rtp.RtcpSenderReport;
import dev.camrelay.rtsp.rtp.RtpDescriptor;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.sdp.LatmFmtp;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.rtsp.sdp.SdpParser;
import dev.camrelay.rtsp.sdp.SdpTrackFormats;
import dev.camrelay.rtsp.sdp.SessionDescription;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Coverage-guided fuzzing (Jazzer) of every parser a camera or the network can reach (isolation.md #9). In a normal
 * build these run in regression mode: the seeds in {@code src/test/resources/.../RtspFuzzTestInputs/<method>/}
 * (real FFmpeg RTSP pushes captured with {@code scripts/fuzz/capture-rtsp-push.py}, cut into packets with
 * {@code interleaved-to-seed.py}; a real GStreamer server's answers to the pull session) and any crash reproducers
 * are replayed. A long run is one command: see {@code docs/fuzzing.md}.
 *
 * <p>Each target states the parser's contract on arbitrary input: no exception escapes, output stays within the
 * documented limits, and every buffer handed out is released.
 */
class RtspFuzzTest {

    /** Packets in a depacketizer input: 2-byte big-endian length, then the RTP packet. */
    private static final int MAX_PACKETS = 256;
    /** GStreamer's StreamMuxConfig for AAC LC 48 kHz stereo, one frame per AudioMuxElement. */
    private static final LatmFmtp LATM = LatmFmtp.of(SdpParser.parse("v=0\r\ns=x\r\nm=audio 0 RTP/AVP 96\r\n"
            + "a=rtpmap:96 MP4A-LATM/48000\r\na=fmtp:96 cpresent=0;config=40002320\r\n").media().getFirst());

    @FuzzTest(maxDuration = "60s")
    void framerNeverThrowsAndLeaksNothing(byte[] data) {
        EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer());
        try {
            int chunk = data.length == 0 ? 1 : 1 + (data[0] & 0xff) * 8; // 1 to 2041 bytes per read
            for (int at = 0; at < data.length; at += chunk) {
                ch.writeInbound(Unpooled.wrappedBuffer(data, at, Math.min(chunk, data.length - at)));
                Object msg;
                while ((msg = ch.readInbound()) != null) {
                    ReferenceCountUtil.release(msg);
                }
                ch.checkException();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void sdpParserSkipsWhatItCannotRead(byte[] data) {
        var sdp = SdpParser.parse(data);
        assertThat(sdp.media().size()).isLessThanOrEqualTo(SdpParser.MAX_MEDIA_SECTIONS);
    }

    @FuzzTest(maxDuration = "60s")
    void transportHeaderParsesOrSaysNo(byte[] data) {
        List<RtspTransport> specs = RtspTransport.parseAll(new String(data, StandardCharsets.ISO_8859_1));
        assertThat(specs.size()).isLessThanOrEqualTo(RtspTransport.MAX_SPECS);
    }

    @FuzzTest(maxDuration = "60s")
    void authChallengesAndCredentialsNeverThrow(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        AuthChallenge.preferred(AuthChallenge.parseAll(List.of(text)));
        assertThat(DigestAuth.verify(text, "RECORD", "camrelay", "nonce", "user", "pw")).isFalse();
    }

    @FuzzTest(maxDuration = "60s")
    void rtpAndRtcpHeadersReturnStatusCodes(byte[] data) {
        UnsafeBuffer buffer = new UnsafeBuffer(data);
        RtpPacket packet = new RtpPacket();
        if (packet.wrap(buffer, 0, data.length) == RtpPacket.OK) {
            assertThat(packet.payloadOffset() + packet.payloadLength()).isLessThanOrEqualTo(data.length);
        }
        new RtcpSenderReport().wrapCompound(buffer, 0, data.length);
    }

    @FuzzTest(maxDuration = "60s")
    void h264DepacketizerPublishesOnlyBoundedUnits(byte[] data) {
        feed(data, new H264Depacketizer(0, bounded(H264Depacketizer.MAX_ACCESS_UNIT_LENGTH)));
    }

    @FuzzTest(maxDuration = "60s")
    void h265DepacketizerPublishesOnlyBoundedUnits(byte[] data) {
        feed(data, new H265Depacketizer(0, bounded(H265Depacketizer.MAX_ACCESS_UNIT_LENGTH), 0));
    }

    @FuzzTest(maxDuration = "60s")
    void aacDepacketizerPublishesOnlyBoundedFrames(byte[] data) {
        feed(data, new AacDepacketizer(0, bounded(AacDepacketizer.MAX_ACCESS_UNIT_LENGTH), 13, 3, 3, 1024, false));
    }

    /** MP4A-LATM (RFC 6416), seeded with what rtspclientsink and FFmpeg -rtpflags latm sent. */
    @FuzzTest(maxDuration = "60s")
    void latmDepacketizerPublishesOnlyBoundedFrames(byte[] data) {
        feed(data, new LatmDepacketizer(0, bounded(LatmDepacketizer.MAX_ELEMENT_LENGTH), LATM, 48_000, false));
    }

    @FuzzTest(maxDuration = "60s")
    void opusDepacketizerPublishesOnlyWholePackets(byte[] data) {
        feed(data, FramePerPacketDepacketizer.opus(0, bounded(RtpDescriptor.MAX_PACKET_LENGTH), false));
    }

    @FuzzTest(maxDuration = "60s")
    void g711DepacketizerPublishesOnlyWholePackets(byte[] data) {
        feed(data, FramePerPacketDepacketizer.g711(0, bounded(RtpDescriptor.MAX_PACKET_LENGTH), true));
    }

    /** RTCP compound packets (RFC 3550 §6.1) through a track receiver, and the receiver report it then writes. */
    @FuzzTest(maxDuration = "60s")
    void rtcpCompoundPacketsUpdateTheClockOrAreIgnored(byte[] data) {
        RtpTrackReceiver receiver = new RtpTrackReceiver(90_000,
                new H264Depacketizer(0, bounded(H264Depacketizer.MAX_ACCESS_UNIT_LENGTH)), true);
        UnsafeBuffer buffer = new UnsafeBuffer(data);
        receiver.onRtcp(buffer, 0, data.length, 1_000_000_000L);
        if (data.length >= 12) {
            receiver.onRtp(buffer, 0, Math.min(data.length, 12), 2_000_000_000L);
        }
        UnsafeBuffer out = new UnsafeBuffer(new byte[RtcpReceiverReportWriter.LENGTH]);
        int written = receiver.writeReceiverReport(out, 0, 1, 3_000_000_000L);
        assertThat(written).isIn(0, RtcpReceiverReportWriter.LENGTH);
    }

    /** The UDP receive path: packets in any order, duplicates, wraps, SSRC changes, through the reorder buffer. */
    @FuzzTest(maxDuration = "60s")
    void udpReceivePathReordersAndDepacketizesWithoutThrowing(byte[] data) {
        RtpTrackReceiver receiver = new RtpTrackReceiver(90_000,
                new H264Depacketizer(0, bounded(H264Depacketizer.MAX_ACCESS_UNIT_LENGTH)), true);
        UnsafeBuffer buffer = new UnsafeBuffer(data);
        long now = 0;
        int at = 0;
        for (int n = 0; n < MAX_PACKETS && at + 2 <= data.length; n++) {
            int length = Math.min(((data[at] & 0xff) << 8) | (data[at + 1] & 0xff), data.length - at - 2);
            now += (data[at] & 0x0F) * 10_000_000L; // 0 to 150 ms between packets
            receiver.onRtp(buffer, at + 2, length, now);
            receiver.poll(now);
            at += 2 + length;
        }
        receiver.poll(now + 1_000_000_000L);
        assertThat(receiver.packetsLost()).isGreaterThanOrEqualTo(0);
    }

    /** A camera's SDP all the way to track formats and depacketizers (sprop parameter sets, AAC config...). */
    @FuzzTest(maxDuration = "60s")
    void sdpTracksBecomeFormatsOrAreSkipped(byte[] data) {
        SessionDescription sdp = SdpParser.parse(data);
        StreamFormat format = SdpTrackFormats.of(sdp);
        assertThat(format.tracks().size()).isLessThanOrEqualTo(StreamFormat.MAX_TRACKS);
        AccessUnitSink sink = bounded(Integer.MAX_VALUE);
        for (MediaDescription m : sdp.media()) {
            TrackDepacketizers.create(0, m, sink, false);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void sequenceParameterSetsParseOrSayNo(byte[] data) {
        SequenceParameterSet.parse(data).ifPresent(sps -> assertThat(sps.width() * sps.height()).isPositive());
        H265SequenceParameterSet.parse(data).ifPresent(sps -> {
            assertThat(sps.width()).isBetween(1, 16_384);
            assertThat(sps.height()).isBetween(1, 16_384);
            assertThat(sps.levelName()).isNotEmpty();
        });
    }

    @FuzzTest(maxDuration = "60s")
    void redirectLocationsResolveOrAreRefused(byte[] data) {
        String to = Redirects.resolve("rtsps://user:pw@camera.local:322/stream",
                new String(data, StandardCharsets.ISO_8859_1));
        if (to != null) {
            assertThat(to).startsWith("rtsps://");
        }
    }

    /**
     * A pull session against any server: responses, interleaved frames and server requests as a camera may send
     * them (seeded with a real GStreamer server's answers). Nothing escapes: a session may fail, but never with an
     * exception out of its own code ("connection error"), and everything it writes is released.
     */
    @FuzzTest(maxDuration = "60s")
    void pullSessionSurvivesAnyServer(byte[] data) {
        List<String> failures = new ArrayList<>();
        PullSessionListener listener = new PullSessionListener() {
            @Override
            public void onPlaying(List<MediaDescription> tracks) {
                assertThat(tracks).isNotEmpty();
            }

            @Override
            public void onFailed(String reason) {
                failures.add(reason);
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer(),
                new RtspPullSession("rtsp://u:p@127.0.0.1:8554/cam", bounded(Integer.MAX_VALUE), listener));
        try {
            int chunk = data.length == 0 ? 1 : 1 + (data[0] & 0xff) * 8;
            for (int at = 0; at < data.length && ch.isOpen(); at += chunk) {
                ch.writeInbound(Unpooled.wrappedBuffer(data, at, Math.min(chunk, data.length - at)));
                drain(ch);
                ch.runPendingTasks();
                ch.checkException();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        assertThat(failures).noneMatch(f -> f.startsWith("connection error"));
    }

    private static void drain(EmbeddedChannel ch) {
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            ReferenceCountUtil.release(msg);
        }
        while ((msg = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    private static AccessUnitSink bounded(int max) {
        return (int track, long pts, long dts, boolean keyframe, DirectBuffer buffer, int offset, int length) -> {
            assertThat(length).isBetween(1, max);
            buffer.boundsCheck(offset, length);
        };
    }

    private static void feed(byte[] data, RtpDepacketizer depacketizer) {
        UnsafeBuffer buffer = new UnsafeBuffer(data);
        RtpPacket packet = new RtpPacket();
        int at = 0;
        for (int n = 0; n < MAX_PACKETS && at + 2 <= data.length; n++) {
            int length = Math.min(((data[at] & 0xff) << 8) | (data[at + 1] & 0xff), data.length - at - 2);
            if (packet.wrap(buffer, at + 2, length) == RtpPacket.OK) {
                depacketizer.onPacket(packet);
            }
            at += 2 + length;
        }
        depacketizer.flush();
    }
}
