package dev.camrelay.rtsp.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** StreamMuxConfigs (ISO/IEC 14496-3 §1.7.3.1) as senders write them, and the ones the relay does not read. */
class LatmFmtpTest {

    private static MediaDescription media(String fmtp) {
        return SdpParser.parse("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=audio 0 RTP/AVP 96\r\n"
                + "a=rtpmap:96 MP4A-LATM/48000/2\r\na=fmtp:96 " + fmtp + "\r\n").media().getFirst();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // GStreamer 1.22 rtpmp4apay (config stops after the AudioSpecificConfig)
        "cpresent=0;config=40002320                   | 1190 | 48000 | 2 | 1",
        // rtspclientsink pushing FFmpeg's mono AAC: GStreamer copied FFmpeg's config with its sync extension
        "cpresent=0;config=40002310adca00             | 118856e500 | 48000 | 1 | 1",
        // FFmpeg 5.1 -rtpflags latm, 44.1 kHz stereo; and the RFC 6416 §7.4 example's form at 24 kHz mono
        "profile-level-id=41;cpresent=0;config=400024203fc0 | 1210 | 44100 | 2 | 1",
        "object=2; cpresent=0; config=400026103fc0    | 1308 | 24000 | 1 | 1",
        // two sub-frames per element (numSubFrames = 1)
        "cpresent=0;config=41002320                   | 1190 | 48000 | 2 | 2",
    })
    void outOfBandConfigsGiveTheAudioSpecificConfig(String fmtp, String asc, int rate, int channels, int subFrames) {
        LatmFmtp latm = LatmFmtp.of(media(fmtp));
        assertThat(latm).isNotNull();
        assertThat(HexFormat.of().formatHex(latm.config())).isEqualTo(asc);
        assertThat(latm.asc().sampleRate()).isEqualTo(rate);
        assertThat(latm.asc().channels()).isEqualTo(channels);
        assertThat(latm.subFrames()).isEqualTo(subFrames);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "config=40002320",              // cpresent defaults to 1 (RFC 6416 §7.3): config in-band, not read
        "cpresent=1;config=40002320",
        "cpresent=0",
        "cpresent=0;config=4000",       // truncated
        "cpresent=0;config=40102320",   // two programs
        "cpresent=0;config=400023204000", // frameLengthType 1 (fixed frame length)
        "cpresent=0;config=zz002320",
    })
    void configsTheRelayCannotReadAreRefused(String fmtp) {
        assertThat(LatmFmtp.of(media(fmtp))).isNull();
    }
}
