package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.webrtc.dtls.SrtpProfile;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Camera audio through WHEP (issue 5 §3): a real FFmpeg pushes H.264 with G.711 µ-law (PCMU, 8 kHz) into a push
 * camera over RTSP; the Java WHEP peer offers Opus, PCMU and PCMA and gets PCMU, payload type 0, in 20 ms packets
 * with continuous timestamps, next to video frames tagged with the camera's own tag. (Opus reaches Chromium in
 * {@link ChromiumWhepTest}; AAC is left out of the answer, a unit test of the answer builder.)
 */
@Timeout(90)
class WhepAudioTest {

    @Test
    void pcmuFromAnFfmpegCameraArrivesAsPayloadType0InTwentyMillisecondPackets() throws Exception {
        try (PushCameraRelay rig = PushCameraRelay.start("127.0.0.1", Map.of("RELAY_DEMO", "false"), "pcmu-cam",
                "libx264", 30, url -> List.of(
                        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                        "-f", "lavfi", "-i", "sine=sample_rate=8000", "-t", "30",
                        "-c:v", "libx264", "-tune", "zerolatency", "-g", "25", "-c:a", "pcm_mulaw", "-ar", "8000",
                        "-bsf:v", FfmpegCamera.tagEveryFrame("PCMU-CAM"), "-f", "rtsp", "-rtsp_transport", "tcp", url));
             WhepTestClient client = new WhepTestClient()) {
            HttpResponse<String> r = client.post(rig.admin.base(), "pcmu-cam", rig.admin.webrtcToken("pcmu-cam"),
                    "application/sdp", client.offerWithAudio());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(client.answer).contains("m=audio " + rig.webrtcPort()
                    + " UDP/TLS/RTP/SAVPF 0\r\n", "a=rtpmap:0 PCMU/8000\r\n", "a=group:BUNDLE 0 1\r\n");
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            client.receiveFor(Duration.ofSeconds(3));

            AccessUnitAssembler m = client.media;
            List<int[]> audio = m.otherPacketHeaders;
            System.out.printf("WHEP audio: %d video frames %s, %d audio packets%n", m.frames, m.framesByTag,
                    m.otherPackets);
            assertThat(m.framesByTag).containsOnlyKeys("PCMU-CAM");
            assertThat(m.frames).isGreaterThan(40);
            assertThat(m.otherPackets).as("50 packets a second").isGreaterThan(100);
            assertThat(audio).allSatisfy(h -> {
                assertThat(h[0]).as("payload type").isZero();
                assertThat(h[3]).as("payload bytes: 20 ms at 8 kHz, or the rest of a frame").isBetween(1, 160);
            });
            int fullPackets = 0;
            for (int i = 1; i < audio.size(); i++) {
                assertThat((audio.get(i)[1] - audio.get(i - 1)[1]) & 0xFFFF).as("sequence step").isEqualTo(1);
                int step = audio.get(i)[2] - audio.get(i - 1)[2];
                assertThat(step).as("timestamp advances by the previous packet's samples")
                        .isEqualTo(audio.get(i - 1)[3]);
                fullPackets += audio.get(i)[3] == 160 ? 1 : 0;
            }
            assertThat(fullPackets).isGreaterThan(audio.size() / 2);
            assertThat(audio.get(0)[4]).as("marker on the first audio packet").isEqualTo(1);
            assertThat(rig.relay.violations().total()).isZero();
        }
    }
}
