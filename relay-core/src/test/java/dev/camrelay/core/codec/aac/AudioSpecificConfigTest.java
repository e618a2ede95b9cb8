package dev.camrelay.core.codec.aac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** AudioSpecificConfigs (ISO/IEC 14496-3 §1.6.2.1) as FFmpeg, GStreamer and cameras write them. */
class AudioSpecificConfigTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "1190, 2, 48000, 48000, 2, 1024, false, 16",   // AAC LC 48 kHz stereo (FFmpeg, GStreamer)
        "1408, 2, 16000, 16000, 1, 1024, false, 16",   // AAC LC 16 kHz mono (a camera's RFC 3640 config)
        "1214, 2, 44100, 44100, 2, 960, false, 16",    // frameLengthFlag set: 960-sample frames
        "2b098800, 2, 24000, 48000, 1, 1024, true, 25", // HE-AAC (explicit SBR): core 24 kHz, output 48 kHz
        "118856e500, 2, 48000, 48000, 1, 1024, false, 33", // FFmpeg's mono AAC LC: sync extension, no SBR
    })
    void configsGiveTheirFacts(String hex, int objectType, int rate, int outputRate, int channels, int frameLength,
                               boolean sbr, int bits) {
        AudioSpecificConfig c = AudioSpecificConfig.parse(HexFormat.of().parseHex(hex)).orElseThrow();
        assertThat(c.objectType()).isEqualTo(objectType);
        assertThat(c.sampleRate()).isEqualTo(rate);
        assertThat(c.outputSampleRate()).isEqualTo(outputRate);
        assertThat(c.channels()).isEqualTo(channels);
        assertThat(c.frameLength()).isEqualTo(frameLength);
        assertThat(c.sbr()).isEqualTo(sbr);
        assertThat(c.outputFrameLength()).isEqualTo(sbr ? 2 * frameLength : frameLength);
        assertThat(c.bitLength()).isEqualTo(bits);
    }

    @Test
    void aConfigInsideAStreamMuxConfigIsFoundByItsBitOffsetAndCopiedOutAligned() {
        byte[] smc = HexFormat.of().parseHex("40002320"); // GStreamer's: the config starts at bit 15
        AudioSpecificConfig c = AudioSpecificConfig.parse(smc, 15).orElseThrow();
        assertThat(c.sampleRate()).isEqualTo(48_000);
        assertThat(AudioSpecificConfig.copyBits(smc, 15, c.bitLength())).containsExactly(0x11, 0x90);
    }

    @Test
    void gstreamerCopiesFfmpegsSyncExtensionIntoItsStreamMuxConfig() {
        byte[] smc = HexFormat.of().parseHex("40002310adca00"); // rtspclientsink pushing FFmpeg's mono AAC
        AudioSpecificConfig c = AudioSpecificConfig.parse(smc, 15).orElseThrow();
        assertThat(c.channels()).isEqualTo(1);
        assertThat(c.sbr()).isFalse();
        assertThat(c.bitLength()).isEqualTo(33);
        assertThat(HexFormat.of().formatHex(AudioSpecificConfig.copyBits(smc, 15, c.bitLength())))
                .isEqualTo("118856e500");
    }

    @Test
    void notAacOrUnreadableIsEmpty() {
        assertThat(AudioSpecificConfig.parse(new byte[0])).isEmpty();
        assertThat(AudioSpecificConfig.parse(HexFormat.of().parseHex("1180"))).as("channel config 0: PCE")
                .isEmpty();
        assertThat(AudioSpecificConfig.parse(HexFormat.of().parseHex("f990"))).as("object type 31+").isEmpty();
        assertThat(AudioSpecificConfig.parse(HexFormat.of().parseHex("17d0"))).as("frequency index 15, cut")
                .isEmpty();
    }
}
