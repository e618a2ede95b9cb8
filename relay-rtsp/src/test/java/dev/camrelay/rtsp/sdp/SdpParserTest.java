package dev.camrelay.rtsp.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SdpParserTest {

    static final String CAMERA_SDP = String.join("\r\n",
            "v=0",
            "o=- 1109162014219182 1109162014219192 IN IP4 x.y.z.w",
            "s=Media Presentation",
            "e=NONE",
            "b=AS:5050",
            "t=0 0",
            "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/?transportmode=unicast",
            "m=video 0 RTP/AVP 96",
            "c=IN IP4 0.0.0.0",
            "b=AS:5000",
            "a=recvonly",
            "a=x-dimensions:1920,1080",
            "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast",
            "a=rtpmap:96 H264/90000",
            "a=fmtp:96 profile-level-id=420029; packetization-mode=1; "
                    + "sprop-parameter-sets=Z00AKp2oHgCJ+WbgICAoAAADAAgAAAMBlCA=,aO48gA==",
            "m=audio 0 RTP/AVP 97",
            "a=rtpmap:97 MPEG4-GENERIC/16000/1",
            "a=fmtp:97 streamtype=5; profile-level-id=15; mode=AAC-hbr; config=1408; sizeLength=13; "
                    + "indexLength=3; indexDeltaLength=3",
            "a=control:trackID=2",
            "m=audio 0 RTP/AVP 0",
            "a=control:trackID=3",
            "");

    @Test
    void cameraSdpYieldsTracksWithCodecParameters() {
        SessionDescription sdp = SdpParser.parse(CAMERA_SDP);
        assertThat(sdp.sessionName()).isEqualTo("Media Presentation");
        assertThat(sdp.control()).startsWith("rtsp://192.168.1.64:554/Streaming/Channels/101/");
        assertThat(sdp.media()).hasSize(3);
        MediaDescription video = sdp.media().get(0);
        assertThat(video.mediaType()).isEqualTo("video");
        assertThat(video.payloadType()).isEqualTo(96);
        assertThat(video.encodingName()).isEqualTo("H264");
        assertThat(video.clockRate()).isEqualTo(90_000);
        assertThat(video.direction()).isEqualTo("recvonly");
        H264Fmtp h264 = H264Fmtp.of(video);
        assertThat(h264.packetizationMode()).isEqualTo(1);
        assertThat(h264.profileLevelId()).isEqualTo("420029");
        assertThat(h264.parameterSets()).hasSize(2);
        assertThat(h264.parameterSets().get(0)[0] & 0x1F).isEqualTo(7);
        assertThat(h264.parameterSets().get(1)[0] & 0x1F).isEqualTo(8);

        MediaDescription audio = sdp.media().get(1);
        assertThat(audio.encodingName()).isEqualTo("MPEG4-GENERIC");
        assertThat(audio.clockRate()).isEqualTo(16_000);
        assertThat(audio.channels()).isEqualTo(1);
        AacFmtp aac = AacFmtp.of(audio);
        assertThat(aac).isNotNull();
        assertThat(aac.sampleRate()).isEqualTo(16_000);
        assertThat(aac.channels()).isEqualTo(1);
        assertThat(aac.sizeLength()).isEqualTo(13);
        assertThat(aac.indexLength()).isEqualTo(3);
        assertThat(aac.indexDeltaLength()).isEqualTo(3);
        assertThat(aac.samplesPerFrame()).isEqualTo(1024);
        assertThat(aac.config()).containsExactly(0x14, 0x08);

        MediaDescription pcmu = sdp.media().get(2);
        assertThat(pcmu.encodingName()).isEqualTo("PCMU");
        assertThat(pcmu.clockRate()).isEqualTo(8000);
    }

    @Test
    void brokenSectionsAreSkippedAndTheRestKept() {
        String sdp = String.join("\n",
                "v=0",
                "s=first",
                "s=second",
                "c=IN IP4",
                "m=video 0 RTP/AVP 96",
                "a=rtpmap:96 H264/90000",
                "a=fmtp:97 packetization-mode=1",
                "a=control:track1",
                "m=video 0 RTP/AVP 96",
                "a=rtpmap:96 H264/90000",
                "a=control:track1",
                "m=audio zero RTP/AVP 8",
                "m=audio 0 RTP/AVP 98",
                "a=rtpmap:98 L16/notanumber",
                "m=application",
                "m=audio 0 RTP/AVP 8",
                "a=control:track2",
                "m=video 0 RTP/AVP 96",
                "a=rtpmap:96 H265/90000",
                "a=fmtp:96 sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwB4lZgJ;sprop-sps=QgEBAWAAAAMAkAAAAwAAAwB4oAPAgBDljZ;"
                        + "sprop-pps=RAHBcrRiQA==;sprop-max-don-diff=0",
                "a=control:track3",
                "");
        SessionDescription d = SdpParser.parse(sdp);
        assertThat(d.sessionName()).isEqualTo("first");
        assertThat(d.connection()).isEqualTo("IN IP4");
        assertThat(d.media()).extracting(MediaDescription::control).containsExactly("track1", "track2", "track3");
        assertThat(d.skippedMedia()).isEqualTo(4);
        assertThat(d.media().get(0).fmtp()).isEmpty(); // fmtp for a payload type the section does not carry
        assertThat(H264Fmtp.of(d.media().get(0)).packetizationMode()).isZero();
        H265Fmtp h265 = H265Fmtp.of(d.media().get(2));
        assertThat(h265.vps()).hasSize(1);
        assertThat(h265.sps()).hasSize(1);
        assertThat(h265.pps()).hasSize(1);
        assertThat(h265.maxDonDiff()).isZero();
        assertThat((h265.vps().get(0)[0] >> 1) & 0x3F).isEqualTo(32);
    }

    @Test
    void spropParameterSetsWithAnnexBStartCodesAreSplit() {
        byte[] withStartCodes = {0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1E, 0, 0, 0, 1, 0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
        String b64 = Base64.getEncoder().withoutPadding().encodeToString(withStartCodes);
        SessionDescription d = SdpParser.parse("v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=" + b64 + "\r\n");
        List<byte[]> sets = H264Fmtp.of(d.media().get(0)).parameterSets();
        assertThat(sets).hasSize(2);
        assertThat(sets.get(0)).containsExactly(0x67, 0x42, 0x00, 0x1E);
        assertThat(sets.get(1)).containsExactly(0x68, 0xCE, 0x3C, 0x80);
    }

    @Test
    void aacConfigGivesRateChannelsAndFrameLength() {
        SessionDescription d = SdpParser.parse("v=0\nm=audio 0 RTP/AVP 97\na=rtpmap:97 mpeg4-generic/48000/2\n"
                + "a=fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;"
                + "indexdeltalength=3;config=1194\n");
        AacFmtp aac = AacFmtp.of(d.media().get(0));
        assertThat(aac.sampleRate()).isEqualTo(48_000);
        assertThat(aac.channels()).isEqualTo(2);
        assertThat(aac.samplesPerFrame()).isEqualTo(960);
        SessionDescription lbr = SdpParser.parse("v=0\nm=audio 0 RTP/AVP 97\na=rtpmap:97 mpeg4-generic/8000/1\n"
                + "a=fmtp:97 mode=AAC-lbr;config=1588\n");
        assertThat(AacFmtp.of(lbr.media().get(0))).isNull();
    }

    @Test
    void oversizeSdpIsRefused() {
        String big = "v=0\r\n" + "a=x:" + "y".repeat(SdpParser.MAX_SDP_LENGTH) + "\r\n";
        assertThatThrownBy(() -> SdpParser.parse(big)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writtenSdpParsesBackToTheSameTracks() {
        SessionDescription original = SdpParser.parse(CAMERA_SDP);
        String written = SdpWriter.write(original);
        assertThat(written).startsWith("v=0\r\n").contains("\r\nt=0 0\r\n");
        SessionDescription back = SdpParser.parse(written);
        assertThat(back.media()).hasSameSizeAs(original.media());
        for (int i = 0; i < back.media().size(); i++) {
            MediaDescription a = original.media().get(i);
            MediaDescription b = back.media().get(i);
            assertThat(b.encodingName()).isEqualTo(a.encodingName());
            assertThat(b.clockRate()).isEqualTo(a.clockRate());
            assertThat(b.channels()).isEqualTo(a.channels());
            assertThat(b.fmtp()).isEqualTo(a.fmtp());
            assertThat(b.control()).isEqualTo(a.control());
            assertThat(b.direction()).isEqualTo(a.direction());
        }
        assertThat(back.control()).isEqualTo(original.control());
    }

    @Test
    void cameraSdpMapsToTheCoreStreamFormat() {
        dev.camrelay.core.media.StreamFormat format = SdpTrackFormats.of(SdpParser.parse(CAMERA_SDP));
        assertThat(format.tracks()).extracting(t -> t.codec().name()).containsExactly("H264", "AAC", "PCMU");
        assertThat(format.tracks().get(0).clockRate()).isEqualTo(90_000);
        assertThat(format.tracks().get(0).parameterSets()).hasSize(2);
        assertThat(format.tracks().get(1).sampleRate()).isEqualTo(16_000);
        assertThat(format.tracks().get(1).channels()).isEqualTo(1);
        assertThat(format.tracks().get(1).parameterSets().get(0)).containsExactly(0x14, 0x08);
        assertThat(format.tracks().get(2).clockRate()).isEqualTo(8000);
        assertThat(format.tracks()).extracting(t -> t.trackId()).containsExactly(0, 1, 2);
    }
}
