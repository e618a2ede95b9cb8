package dev.camrelay.core.codec.h265;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPS facts of real libx265 output (FFmpeg 5.1, x265 3.5 on Debian 12), with the values ffprobe reports for the same
 * streams: 4:2:0 8-bit Main, a width that needs the conformance window (426), Main 10, 4:4:4 range extensions.
 */
class H265SequenceParameterSetTest {

    @ParameterizedTest(name = "{1}x{2} {3} level {4} at {5}")
    @CsvSource({
        "42010101600000030090000003000003003fa00502016965959a4932bc05a02000000300200000030321,"
                + "640, 360, Main, 2.1, 25",
        "42010101600000030090000003000003003ca00d880f1c9e5959a4932bc05a020000030002000003003c10,"
                + "426, 240, Main, 2, 30",
        "420101022000000300900000030000030078a00280802d1365959a4932bc05a020000003002000000641,"
                + "1280, 720, Main 10, 4, 50",
        "4201010408000003009e0800000300003c9001410173e5cb2b349265780b4040000003004000000303c2,"
                + "320, 180, Rext, 2, 15",
    })
    void x265ParameterSetsGiveTheFactsFfprobeShows(String hex, int width, int height, String profile, String level,
                                                   double fps) {
        H265SequenceParameterSet sps = H265SequenceParameterSet.parse(HexFormat.of().parseHex(hex)).orElseThrow();
        assertThat(sps.width()).isEqualTo(width);
        assertThat(sps.height()).isEqualTo(height);
        assertThat(sps.profileName()).isEqualTo(profile);
        assertThat(sps.levelName()).isEqualTo(level);
        assertThat(sps.frameRate()).isEqualTo(fps);
        assertThat(sps.highTier()).isFalse();
    }

    /** What relay-hls writes into hvcC and the hvc1 codec string, from the same captures. */
    @ParameterizedTest(name = "chroma {1}, luma depth {2}, compatibility {3}")
    @CsvSource({
        "42010101600000030090000003000003003fa00502016965959a4932bc05a02000000300200000030321, 1, 8, 60000000",
        "420101022000000300900000030000030078a00280802d1365959a4932bc05a020000003002000000641, 1, 10, 20000000",
        "4201010408000003009e0800000300003c9001410173e5cb2b349265780b4040000003004000000303c2, 3, 8, 08000000",
    })
    void x265ParameterSetsGiveTheHvcCFields(String hex, int chroma, int lumaDepth, String compatibility) {
        H265SequenceParameterSet sps = H265SequenceParameterSet.parse(HexFormat.of().parseHex(hex)).orElseThrow();
        assertThat(sps.chromaFormatIdc()).isEqualTo(chroma);
        assertThat(sps.bitDepthLumaMinus8() + 8).isEqualTo(lumaDepth);
        assertThat(sps.bitDepthChromaMinus8()).isEqualTo(sps.bitDepthLumaMinus8());
        assertThat(Integer.toHexString(sps.compatibilityFlags())).isEqualTo(compatibility.replaceFirst("^0+", ""));
        assertThat(sps.profileSpace()).isZero();
        assertThat(sps.maxSubLayersMinus1()).isZero();
        assertThat(sps.temporalIdNesting()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"''", "4201", "40010c01ffff016000000300", "42010101600000030090"})
    void truncatedOrOtherNalUnitsAreNotParsed(String hex) {
        assertThat(H265SequenceParameterSet.parse(HexFormat.of().parseHex(hex))).isEmpty();
    }
}
