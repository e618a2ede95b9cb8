package dev.camrelay.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.webrtc.ice.IceCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhepSdpTest {

    private static final byte[] HIGH_SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac};
    private static final byte[] BASELINE_SPS = {0x67, 0x42, (byte) 0xc0, 0x1f};
    private static final byte[] MAIN_SPS = {0x67, 0x4d, 0x00, 0x28};
    private static final byte[] PPS = {0x68, (byte) 0xee, 0x3c, (byte) 0x80};

    private final String offerText = resource("/sdp/chromium-whep-offer.sdp");
    private final AnswerOptions options = new AnswerOptions(new IceCredentials("Rly1Ufrg", "p".repeat(24)),
            new SdpFingerprint("sha-256", new byte[32]), addresses("192.168.1.10", "2001:db8::10"), 8189,
            0x1234_5678L, 0x9abc_def0L, "camrelay", "cam-front", 42);

    @Test
    void chromiumOfferParsesMediaIceDtlsAndCodecs() {
        SdpOfferParser.Result result = SdpOfferParser.parse(offerText);

        assertThat(result.rejection()).isNull();
        SdpOffer offer = result.offer();
        assertThat(offer.bundleMids()).containsExactly("0", "1");
        assertThat(offer.iceUfrag()).isEqualTo("Yx9q");
        assertThat(offer.icePwd()).isEqualTo("6hTnfNwS6o9a1ICbxYWwWH1W");
        assertThat(offer.setup()).isEqualTo("actpass");
        assertThat(offer.fingerprint().hashFunction()).isEqualTo("sha-256");
        assertThat(offer.fingerprint().value()).hasSize(32);
        assertThat(offer.media()).extracting(SdpMedia::kind).containsExactly("audio", "video");
        SdpMedia video = offer.media().get(1);
        assertThat(video.mid()).isEqualTo("1");
        assertThat(video.direction()).isEqualTo(SdpDirection.RECVONLY);
        assertThat(video.rtcpMux()).isTrue();
        assertThat(video.rtpMaps().get(106)).isEqualTo(new RtpMap(106, "H264", 90_000, 1));
        assertThat(H264Fmtp.parse(video.fmtps().get(106)).profileLevelIdHex()).isEqualTo("42e01f");
        assertThat(video.feedbackFor(106)).contains("nack", "nack pli", "ccm fir", "transport-cc", "goog-remb");
        assertThat(video.extmaps()).containsEntry(WhepAnswerBuilder.TRANSPORT_CC_URI, 3);
        assertThat(H264Choice.packetizationMode1(video)).containsExactly(102, 106, 127, 112);
        assertThat(offer.media().get(0).rtpMaps().get(111)).isEqualTo(new RtpMap(111, "opus", 48_000, 2));
    }

    @Test
    void highProfileCameraGetsConstrainedBaselinePayloadTypeWithFeedback() {
        WhepAnswer answer = answer(offerText, stream(HIGH_SPS, "High", Codec.OPUS));

        assertThat(answer.videoPayloadType()).isEqualTo(106);
        assertThat(answer.videoMid()).isEqualTo("1");
        assertThat(answer.nack()).isTrue();
        assertThat(answer.pli()).isTrue();
        assertThat(answer.fir()).isTrue();
        assertThat(answer.transportCcExtensionId()).isEqualTo(3);
        String sdp = answer.sdp();
        assertThat(sdp).contains("a=ice-lite\r\n", "a=group:BUNDLE 0 1\r\n")
                .contains("m=video 8189 UDP/TLS/RTP/SAVPF 106 107\r\n")
                .contains("a=rtpmap:106 H264/90000\r\n")
                .contains("a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n")
                .contains("a=rtcp-fb:106 nack\r\n", "a=rtcp-fb:106 nack pli\r\n", "a=rtcp-fb:106 ccm fir\r\n",
                        "a=rtcp-fb:106 goog-remb\r\n", "a=rtcp-fb:106 transport-cc\r\n")
                .contains("a=rtpmap:107 rtx/90000\r\n", "a=fmtp:107 apt=106\r\n",
                        "a=ssrc-group:FID 305419896 305419897\r\n", "a=ssrc:305419897 cname:camrelay\r\n")
                .contains("a=extmap:3 " + WhepAnswerBuilder.TRANSPORT_CC_URI + "\r\n")
                .contains("a=setup:passive\r\n", "a=sendonly\r\n", "a=rtcp-mux\r\n", "a=ice-ufrag:Rly1Ufrg\r\n")
                .contains("a=fingerprint:sha-256 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00"
                        + ":00:00:00:00:00:00:00:00:00:00:00\r\n")
                .contains("a=candidate:1 1 udp 2130706431 192.168.1.10 8189 typ host\r\n")
                .contains("a=candidate:2 1 udp 2130706175 2001:db8:0:0:0:0:0:10 8189 typ host\r\n")
                .contains("a=ssrc:305419896 cname:camrelay\r\n")
                .doesNotContain("VP8", "a=recvonly", "a=setup:active", "rtcp-mux-only", "rtx/90000\r\na=rtpmap");
        assertThat(answer.rtxPayloadType()).isEqualTo(107);
        assertThat(answer.remb()).isTrue();
        assertThat(answer.audioTransportCc()).as("audio section has the same transport-cc id").isTrue();
        assertThat(sdp.substring(sdp.indexOf("m=audio"), sdp.indexOf("m=video")))
                .contains("a=extmap:3 " + WhepAnswerBuilder.TRANSPORT_CC_URI + "\r\n");
        assertThat(sdp.indexOf("a=ice-lite")).isLessThan(sdp.indexOf("m="));
        assertThat(sdp.split("\r\n")).allMatch(line -> !line.isEmpty());
    }

    @Test
    void answerIsItselfParseableWithOneMediaSectionPerOfferedSection() {
        String sdp = answer(offerText, stream(HIGH_SPS, "High", Codec.OPUS)).sdp();

        assertThat(sdp.lines().filter(l -> l.startsWith("m=")).toList())
                .containsExactly("m=audio 8189 UDP/TLS/RTP/SAVPF 111", "m=video 8189 UDP/TLS/RTP/SAVPF 106 107");
        assertThat(sdp).contains("a=rtpmap:111 opus/48000/2\r\n", "a=fmtp:111 minptime=10;useinbandfec=1\r\n");
    }

    @Test
    void baselineAndMainCamerasGetTheirOwnProfile() {
        assertThat(answer(offerText, stream(BASELINE_SPS, "", null)).videoPayloadType()).isEqualTo(106);
        assertThat(answer(offerText, stream(MAIN_SPS, "", null)).videoPayloadType()).isEqualTo(127);
        assertThat(answer(offerText, stream(new byte[0], "Main", null)).videoPayloadType()).isEqualTo(127);
    }

    @Test
    void transportCcFeedbackNeedsItsHeaderExtension() {
        String noExtension = offerText.replaceAll("a=extmap:3 [^\r]*\r\n", "");

        WhepAnswer answer = answer(noExtension, stream(HIGH_SPS, "High", null));

        assertThat(answer.transportCcExtensionId()).isZero();
        assertThat(answer.sdp()).doesNotContain("transport-cc").contains("a=rtcp-fb:106 nack pli\r\n");
    }

    @Test
    void pcmaCameraAnswersWithStaticPayloadType8() {
        WhepAnswer answer = answer(offerText, stream(HIGH_SPS, "High", Codec.PCMA));

        assertThat(answer.audioPayloadType()).isEqualTo(8);
        assertThat(answer.audioCodec()).isEqualTo(Codec.PCMA);
        assertThat(answer.sdp()).contains("m=audio 8189 UDP/TLS/RTP/SAVPF 8\r\n", "a=rtpmap:8 PCMA/8000\r\n");
    }

    @Test
    void aacAudioIsLeftOutAndItsSectionRejected() {
        WhepAnswer answer = answer(offerText, stream(HIGH_SPS, "High", Codec.AAC));

        assertThat(answer.audioMid()).isNull();
        assertThat(answer.audioPayloadType()).isEqualTo(-1);
        assertThat(answer.sdp()).contains("m=audio 0 UDP/TLS/RTP/SAVPF 111\r\n", "a=group:BUNDLE 1\r\n")
                .contains("a=inactive\r\n");
    }

    @Test
    void sendonlyOfferIsRejectedWithAReason() {
        SdpOfferParser.Result result = SdpOfferParser.parse(offerText.replace("a=recvonly", "a=sendonly"));

        assertThat(result.accepted()).isFalse();
        assertThat(result.rejection()).contains("sendonly");
    }

    @Test
    void inactiveOfferIsRejected() {
        SdpOfferParser.Result result = SdpOfferParser.parse(offerText.replace("a=recvonly", "a=inactive"));

        assertThat(result.rejection()).contains("inactive");
    }

    @Test
    void offerWithoutH264PacketizationMode1IsRejected() {
        String noMode1 = offerText.replace("packetization-mode=1", "packetization-mode=0");

        assertThat(SdpOfferParser.parse(noMode1).rejection()).contains("H.264", "packetization-mode=1");
        String vp8Only = offerText.replace("H264/90000", "VP8/90000");
        assertThat(SdpOfferParser.parse(vp8Only).rejection()).contains("H.264");
    }

    @Test
    void offerWithoutIceCredentialsOrFingerprintIsRejected() {
        assertThat(SdpOfferParser.parse(offerText.replaceAll("a=ice-pwd:[^\r]*\r\n", "")).rejection())
                .contains("ice-pwd");
        assertThat(SdpOfferParser.parse(offerText.replaceAll("a=fingerprint:[^\r]*\r\n", "")).rejection())
                .contains("fingerprint");
        assertThat(SdpOfferParser.parse(offerText.replace("a=setup:actpass", "a=setup:passive")).rejection())
                .contains("passive");
    }

    @Test
    void garbageNeverThrows() {
        assertThat(SdpOfferParser.parse("").accepted()).isFalse();
        assertThat(SdpOfferParser.parse(null).accepted()).isFalse();
        assertThat(SdpOfferParser.parse("hello").accepted()).isFalse();
        assertThat(SdpOfferParser.parse("v=0\r\nm=video\r\n").rejection()).contains("m=");
        assertThat(SdpOfferParser.parse(offerText.replace("a=rtpmap:106 H264/90000", "a=rtpmap:x H264"))
                .rejection()).contains("rtpmap");
        assertThat(SdpOfferParser.parse(offerText.replace("a=rtcp-fb:106 nack\r", "a=rtcp-fb:zz nack\r"))
                .rejection()).contains("rtcp-fb");
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 2000; i++) {
            char[] chars = offerText.toCharArray();
            for (int k = 0; k < 20; k++) {
                chars[random.nextInt(chars.length)] = (char) (32 + random.nextInt(95));
            }
            SdpOfferParser.Result r = SdpOfferParser.parse(new String(chars));
            if (r.accepted()) {
                WhepAnswerBuilder.answer(r.offer(), stream(HIGH_SPS, "High", Codec.OPUS), options);
            }
        }
    }

    @Test
    void extraVideoAndDataChannelSectionsAreRejectedWithPortZero() {
        String withExtras = offerText.replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2 3")
                + offerText.substring(offerText.indexOf("m=video")).replace("a=mid:1", "a=mid:2")
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:3\r\n"
                + "a=sctp-port:5000\r\n";

        WhepAnswer answer = answer(withExtras, stream(HIGH_SPS, "High", Codec.OPUS));

        assertThat(answer.sdp()).contains("a=group:BUNDLE 0 1\r\n")
                .contains("m=video 0 UDP/TLS/RTP/SAVPF 96\r\n")
                .contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n");
        assertThat(answer.sdp().lines().filter(l -> l.startsWith("m=")).count()).isEqualTo(4);
    }

    @Test
    void sessionLevelCredentialsAreUsedWhenSectionsHaveNone() {
        String sessionLevel = offerText.replaceAll("a=ice-ufrag:[^\r]*\r\n", "")
                .replaceAll("a=ice-pwd:[^\r]*\r\n", "")
                .replace("a=msid-semantic: WMS\r\n",
                        "a=msid-semantic: WMS\r\na=ice-ufrag:S3ss\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n");

        SdpOffer offer = SdpOfferParser.parse(sessionLevel).offer();

        assertThat(offer.iceUfrag()).isEqualTo("S3ss");
        assertThat(offer.icePwd()).isEqualTo("abcdefghijklmnopqrstuvwx");
    }

    @Test
    void audioOnlyOfferIsRejected() {
        String audioOnly = offerText.substring(0, offerText.indexOf("m=video"));

        assertThat(SdpOfferParser.parse(audioOnly).rejection()).contains("H.264");
    }

    @Test
    void offerWithoutRtcpMuxCannotBeAnswered() {
        SdpOffer offer = SdpOfferParser.parse(offerText.replace("a=rtcp-mux\r\n", "")).offer();

        WhepAnswerBuilder.Result result = WhepAnswerBuilder.answer(offer, stream(HIGH_SPS, "High", null), options);

        assertThat(result.rejection()).contains("rtcp-mux");
    }

    @Test
    void h265CameraIsRefusedWhenTheOfferHasNoH265() {
        StreamFormat h265 = new StreamFormat(List.of(
                TrackFormat.video(0, Codec.H265, "Main", "", 1920, 1080, 25, List.of())));

        WhepAnswerBuilder.Result result =
                WhepAnswerBuilder.answer(SdpOfferParser.parse(offerText).offer(), h265, options);

        assertThat(result.accepted()).isFalse();
        assertThat(result.rejection()).contains("H.265", "H265/90000");
    }

    @Test
    void h265IsAnsweredOnlyForAnH265CameraAndOnlyWhenOffered() {
        String withH265 = offerText.replace("m=video 9 UDP/TLS/RTP/SAVPF 96 ", "m=video 9 UDP/TLS/RTP/SAVPF 49 50 96 ")
                .replace("a=rtpmap:96 ", "a=rtpmap:49 H265/90000\r\na=fmtp:49 level-id=93;profile-id=1;tier-flag=0;"
                        + "tx-mode=SRST\r\na=rtcp-fb:49 nack\r\na=rtpmap:50 rtx/90000\r\na=fmtp:50 apt=49\r\n"
                        + "a=rtpmap:96 ");
        StreamFormat h265 = new StreamFormat(List.of(
                TrackFormat.video(0, Codec.H265, "Main", "", 1920, 1080, 25, List.of())));

        WhepAnswer answer = answer(withH265, h265);
        assertThat(answer.videoCodec()).isEqualTo(Codec.H265);
        assertThat(answer.videoPayloadType()).isEqualTo(49);
        assertThat(answer.rtxPayloadType()).isEqualTo(50);
        assertThat(answer.sdp()).contains("m=video 8189 UDP/TLS/RTP/SAVPF 49 50\r\n", "a=rtpmap:49 H265/90000\r\n",
                "a=fmtp:49 level-id=93;profile-id=1;tier-flag=0;tx-mode=SRST\r\n").doesNotContain("H264");

        WhepAnswer h264Camera = answer(withH265, stream(HIGH_SPS, "High", null));
        assertThat(h264Camera.videoCodec()).isEqualTo(Codec.H264);
        assertThat(h264Camera.sdp()).doesNotContain("H265");
    }

    @Test
    void iceRestartFragmentHasIceLiteTheNewCredentialsAndEveryCandidate() {
        WhepAnswer answer = answer(offerText, stream(HIGH_SPS, "High", Codec.OPUS));
        String fragment = WhepAnswerBuilder.iceRestartFragment(new IceCredentials("NewUfrag", "q".repeat(24)),
                addresses("192.168.1.10"), 8189, answer);

        assertThat(fragment).isEqualTo("a=ice-lite\r\na=ice-ufrag:NewUfrag\r\na=ice-pwd:" + "q".repeat(24) + "\r\n"
                + "a=group:BUNDLE 1 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 106\r\na=mid:1\r\n"
                + "a=candidate:1 1 udp 2130706431 192.168.1.10 8189 typ host\r\na=end-of-candidates\r\n");
    }

    private WhepAnswer answer(String offer, StreamFormat stream) {
        SdpOfferParser.Result parsed = SdpOfferParser.parse(offer);
        assertThat(parsed.rejection()).isNull();
        WhepAnswerBuilder.Result result = WhepAnswerBuilder.answer(parsed.offer(), stream, options);
        assertThat(result.rejection()).isNull();
        return result.answer();
    }

    private static StreamFormat stream(byte[] sps, String profile, Codec audio) {
        List<byte[]> sets = sps.length == 0 ? List.of() : List.of(sps, PPS);
        TrackFormat video = TrackFormat.video(0, Codec.H264, profile, "4.0", 1920, 1080, 25, sets);
        if (audio == null) {
            return new StreamFormat(List.of(video));
        }
        int rate = audio == Codec.OPUS ? 48_000 : audio == Codec.AAC ? 16_000 : 8_000;
        return new StreamFormat(List.of(video, TrackFormat.audio(1, audio, rate, 1, List.of())));
    }

    private static List<InetAddress> addresses(String... names) {
        return Arrays.stream(names).map(n -> {
            try {
                return InetAddress.getByName(n);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static String resource(String name) {
        try (InputStream in = WhepSdpTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
