package dev.camrelay.core.codec.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPS facts read from streams that the real x264 encoder (through FFmpeg) wrote. */
class SequenceParameterSetTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "baseline, 640, 360, 25, 66, Constrained Baseline",
        "main, 320, 240, 30, 77, Main",
        "high, 1920, 1080, 25, 100, High",
        "high, 1280, 720, 50, 100, High"})
    void sizeFrameRateAndProfileMatchWhatTheEncoderWasAskedFor(String profile, int width, int height, int fps,
                                                              int profileIdc, String profileName) throws Exception {
        byte[] stream = encode(profile, width, height, fps);
        byte[] sps = AnnexB.split(stream).stream().filter(n -> NalUnitType.of(n[0]) == NalUnitType.SPS)
                .findFirst().orElseThrow();

        SequenceParameterSet facts = SequenceParameterSet.parse(sps).orElseThrow();

        assertThat(facts.width()).isEqualTo(width);
        assertThat(facts.height()).isEqualTo(height);
        assertThat(facts.frameRate()).isEqualTo(fps);
        assertThat(facts.profileIdc()).isEqualTo(profileIdc);
        assertThat(facts.profileName()).isEqualTo(profileName);
        assertThat(facts.codecString()).startsWith(String.format("avc1.%02x", profileIdc));
    }

    @Test
    void truncatedOrForeignNalUnitsDoNotParse() {
        assertThat(SequenceParameterSet.parse(new byte[] {0x67, 0x64})).isEmpty();
        assertThat(SequenceParameterSet.parse(new byte[] {0x68, 0x64, 0x00, 0x28, 0x1})).isEmpty();
        assertThat(SequenceParameterSet.parse(new byte[] {0x67, 0x64, 0x00, 0x28, (byte) 0xff, (byte) 0xff}))
                .isEmpty();
    }

    private byte[] encode(String profile, int width, int height, int fps) throws IOException, InterruptedException {
        Path out = dir.resolve(profile + width + ".h264");
        List<String> cmd = List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=" + width + "x" + height + ":rate=" + fps, "-frames:v", "3", "-c:v", "libx264",
                "-profile:v", profile, "-pix_fmt", "yuv420p", "-preset", "veryfast", "-f", "h264", out.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs ffmpeg with libx264 on the PATH (scripts/test.sh installs it)",
                    e);
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("ffmpeg did not finish within 60 s");
            }
            String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.exitValue()).as("ffmpeg: %s", log).isZero();
        } finally {
            p.destroyForcibly();
        }
        return Files.readAllBytes(out);
    }
}
