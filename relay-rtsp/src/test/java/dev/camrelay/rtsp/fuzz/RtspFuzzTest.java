package dev.camrelay.rtsp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.camrelay.rtsp.auth.AuthChallenge;
import dev.camrelay.rtsp.auth.DigestAuth;
import dev.camrelay.rtsp.depacketize.AacDepacketizer;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.H264Depacketizer;
import dev.camrelay.rtsp.depacketize.H265Depacketizer;
import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.message.RtspFramer;
import dev.camrelay.rtsp.message.RtspTransport;
import dev.camrelay.rtsp.rtp.RtcpSenderReport;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.sdp.SdpParser;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Coverage-guided fuzzing (Jazzer) of every parser a camera or the network can reach (isolation.md #9). In a normal
 * build these run in regression mode: the seeds in {@code src/test/resources/.../RtspFuzzTestInputs/<method>/}
 * (real FFmpeg RTSP pushes captured with {@code scripts/fuzz/capture-rtsp-push.py}) and any crash reproducers are
 * replayed. A long run is one command: see {@code docs/fuzzing.md}.
 *
 * <p>Each target states the parser's contract on arbitrary input: no exception escapes, output stays within the
 * documented limits, and every buffer handed out is released.
 */
class RtspFuzzTest {

    /** Packets in a depacketizer input: 2-byte big-endian length, then the RTP packet. */
    private static final int MAX_PACKETS = 256;

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
