package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.H265Depacketizer;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * H.265 over WHEP (RFC 7798), only when the viewer offers it: a real FFmpeg pushes libx265 into a push camera; the
 * Java WHEP peer offering H265/90000 gets it and the ingest's own RFC 7798 depacketizer reassembles whole access units
 * with keyframes from the packets; a peer offering only H.264 is refused with a reason (no transcoding).
 */
@Timeout(90)
class WhepH265Test {

    @Test
    void anH265CameraPlaysToAPeerThatOffersH265AndIsRefusedToOneThatDoesNot() throws Exception {
        try (PushCameraRelay rig = PushCameraRelay.start("127.0.0.1", Map.of("RELAY_DEMO", "false"), "hevc-cam",
                "libx265", 30, url -> List.of(
                        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "30",
                        "-c:v", "libx265", "-preset", "ultrafast", "-tune", "zerolatency",
                        "-x265-params", "keyint=25:min-keyint=25:bframes=0:log-level=error", "-an",
                        "-f", "rtsp", "-rtsp_transport", "tcp", url))) {
            playH265(rig.admin);
            assertThat(rig.relay.violations().total()).isZero();
        }
    }

    private static void playH265(RelayAdmin admin) throws Exception {
        String base = admin.base();
        try (WhepTestClient h264Only = new WhepTestClient()) {
            HttpResponse<String> r = h264Only.post(base, "hevc-cam", admin.webrtcToken("hevc-cam"),
                    "application/sdp", h264Only.offer("recvonly"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("H.265");
        }
        try (WhepTestClient client = new WhepTestClient()) {
            int[] units = new int[2];
            H265Depacketizer depacketizer = new H265Depacketizer(0, new AccessUnitSink() {
                @Override
                public void onAccessUnit(int track, long pts, long dts, boolean keyframe,
                                         org.agrona.DirectBuffer buffer, int offset, int length) {
                    units[0]++;
                    units[1] += keyframe ? 1 : 0;
                }
            }, 0);
            RtpPacket packet = new RtpPacket();
            client.rtpListener = (bytes, length) -> {
                if ((bytes[1] & 0x7F) == 98 && packet.wrap(new UnsafeBuffer(bytes, 0, length), 0, length)
                        == RtpPacket.OK) {
                    depacketizer.onPacket(packet);
                }
            };
            HttpResponse<String> r = client.post(base, "hevc-cam", admin.webrtcToken("hevc-cam"),
                    "application/sdp", client.offerWithH265());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(client.answer).contains("a=rtpmap:98 H265/90000\r\n").doesNotContain("H264");
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            client.receiveFor(Duration.ofSeconds(3));

            System.out.printf("WHEP H.265: %d access units, %d keyframes, %d RTP packets%n", units[0], units[1],
                    client.rtpPacketsReceived);
            assertThat(units[0]).as("whole H.265 access units in 3 s at 25 fps").isGreaterThan(40);
            assertThat(units[1]).as("keyframes (IRAP, one a second)").isGreaterThanOrEqualTo(2);
            assertThat(client.srtpRejected).isZero();
        }
    }
}
