package dev.camrelay.hls.fmp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.hls.testing.FfmpegClip;
import dev.camrelay.hls.testing.Mp4Boxes;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder configuration records this muxer derives from the parameter sets agree with the ones ffmpeg's own
 * MP4 muxer wrote for the same stream, field by field where both are specified by the parameter sets.
 */
class DecoderConfigMatchesFfmpegTest {

    @TempDir
    Path dir;

    private static byte[] box(byte[] file, String type) {
        int at = Mp4Boxes.indexOf(file, type, 0);
        int size = ByteBuffer.wrap(file, at, 4).getInt();
        return Arrays.copyOfRange(file, at, at + size);
    }

    @Test
    void hvcCProfileTierLevelAndLayoutMatchFfmpegsRecord() throws Exception {
        FfmpegClip clip = FfmpegClip.encode(dir, "libx265", "aac", 1, 25);
        byte[] theirs = box(Files.readAllBytes(dir.resolve("clip-libx265-aac.mp4")), "hvcC");
        byte[] ours = box(InitSegmentWriter.toBytes(clip.format()), "hvcC");

        // configurationVersion, profile space/tier/idc, 32 compatibility flags, 48 constraint flags, level
        assertThat(Arrays.copyOfRange(ours, 8, 21)).isEqualTo(Arrays.copyOfRange(theirs, 8, 21));
        // chroma format, bit depths (bytes 16..18 of the record) and the NAL length size
        assertThat(Arrays.copyOfRange(ours, 24, 27)).isEqualTo(Arrays.copyOfRange(theirs, 24, 27));
        assertThat(ours[29] & 0x03).isEqualTo(theirs[29] & 0x03);
        assertThat(ours[30]).as("three parameter set arrays").isEqualTo((byte) 3);
    }

    @Test
    void avcCMatchesFfmpegsRecordByteForByte() throws Exception {
        FfmpegClip clip = FfmpegClip.encode(dir, "libx264", "aac", 1, 25);
        byte[] theirs = box(Files.readAllBytes(dir.resolve("clip-libx264-aac.mp4")), "avcC");
        byte[] ours = box(InitSegmentWriter.toBytes(clip.format()), "avcC");

        // High profile: both end with the chroma format / bit depth extension (14496-15 §5.3.3.1.2)
        assertThat(ours).isEqualTo(theirs);
    }

    @Test
    void esdsCarriesTheSameAudioSpecificConfigAsFfmpegs() throws Exception {
        FfmpegClip clip = FfmpegClip.encode(dir, "libx264", "aac", 1, 25);
        byte[] init = InitSegmentWriter.toBytes(clip.format());

        byte[] asc = clip.format().tracks().get(1).parameterSets().get(0);
        int at = Mp4Boxes.indexOf(init, "esds", 0);
        byte[] esds = box(init, "esds");
        assertThat(at).isPositive();
        int tag = indexOfSubArray(esds, new byte[] {0x05, (byte) asc.length});
        assertThat(Arrays.copyOfRange(esds, tag + 2, tag + 2 + asc.length)).isEqualTo(asc);
    }

    private static int indexOfSubArray(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
