package dev.camrelay.hls.fmp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.hls.testing.ExternalTool;
import dev.camrelay.hls.testing.FfmpegClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-tool check of the muxer: a clip encoded by ffmpeg is taken apart into access units, muxed by
 * {@link InitSegmentWriter} and {@link FragmentWriter} into an init section plus 200 ms fragments, concatenated, and
 * handed back to ffprobe and ffmpeg, which must read every frame with the original timestamps and decode with no
 * error.
 */
class FragmentedMp4DecodesInFfmpegTest {

    private static final double FRAGMENT_SECONDS = 0.2;

    @TempDir
    Path dir;

    @Test
    void h264AndAacFragmentsDecodeWithEveryFrameAndTheirTimestamps() throws IOException {
        FfmpegClip clip = FfmpegClip.encode(dir, "libx264", "aac", 2, 25);
        Path out = dir.resolve("out-h264.mp4");
        Files.write(out, mux(clip));

        assertStreams(out, "h264", clip);
        assertDecodesCleanly(out);
        assertVideoTimestampsAndKeyframesKept(out, clip);
    }

    @Test
    void h265AndOpusFragmentsDecodeWithEveryFrameAndTheirTimestamps() throws IOException {
        FfmpegClip clip = FfmpegClip.encode(dir, "libx265", "libopus", 2, 25);
        Path out = dir.resolve("out-h265.mp4");
        Files.write(out, mux(clip));

        assertStreams(out, "hevc", clip);
        assertDecodesCleanly(out);
        assertVideoTimestampsAndKeyframesKept(out, clip);
    }

    /** Init section, then one fragment per 200 ms of decode time carrying every track's closed samples. */
    static byte[] mux(FfmpegClip clip) {
        BoxWriter w = new BoxWriter(64 * 1024);
        InitSegmentWriter.write(w, clip.format());
        TrackRun[] runs = {new TrackRun(1, 64 * 1024), new TrackRun(2, 8 * 1024)};
        int[] clock = {FfmpegClip.VIDEO_CLOCK, FfmpegClip.AUDIO_RATE};
        int sequence = 1;
        double nextCut = FRAGMENT_SECONDS;
        UnsafeBuffer payload = new UnsafeBuffer(new byte[0]);
        for (AccessUnit u : clip.units()) {
            if (u.track() == 0 && u.dts() / (double) clock[0] >= nextCut + FfmpegClip.SHIFT_SECONDS) {
                FragmentWriter.write(w, sequence++, runs, runs.length);
                runs[0].removeClosed();
                runs[1].removeClosed();
                nextCut += FRAGMENT_SECONDS;
            }
            byte[] bytes = u.payload();
            payload.wrap(bytes);
            assertThat(runs[u.track()].append(u.dts(), u.pts(), u.keyframe() || u.track() == 1, payload, 0,
                    bytes.length)).isEqualTo(TrackRun.APPENDED);
        }
        for (int t = 0; t < runs.length; t++) {
            long last = runs[t].decodeTime(runs[t].count() - 1);
            runs[t].closeAt(last + (runs[t].count() > 1 ? last - runs[t].decodeTime(runs[t].count() - 2)
                    : clock[t] / 25));
        }
        FragmentWriter.write(w, sequence, runs, runs.length);
        return w.toByteArray();
    }

    private void assertStreams(Path out, String videoCodec, FfmpegClip clip) {
        ExternalTool.Result r = ExternalTool.runOk(dir, "ffprobe", "-v", "error", "-count_frames", "-show_entries",
                "stream=codec_name,width,height,nb_read_frames", "-of", "compact=p=0", out.toString());
        assertThat(r.stderr()).isEmpty();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("codec_name=" + videoCodec + "|width=320|height=240|")
                .endsWith("nb_read_frames=" + clip.videoCount());
        assertThat(lines.get(1)).startsWith("codec_name=" + (clip.format().tracks().get(1).codec().name()
                .equals("AAC") ? "aac" : "opus")).endsWith("nb_read_frames=" + clip.audioCount());
    }

    private void assertDecodesCleanly(Path out) {
        ExternalTool.Result r = ExternalTool.run(dir, "ffmpeg", "-v", "error", "-i", out.toString(), "-f", "null",
                "-");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stderr()).isEmpty();
    }

    private void assertVideoTimestampsAndKeyframesKept(Path out, FfmpegClip clip) {
        ExternalTool.Result r = ExternalTool.runOk(dir, "ffprobe", "-v", "error", "-select_streams", "v",
                "-show_entries", "packet=pts,dts,flags", "-of", "csv=p=0", out.toString());
        List<String> expected = new ArrayList<>();
        for (AccessUnit u : clip.units()) {
            if (u.track() == 0) {
                expected.add(u.pts() + "," + u.dts() + "," + (u.keyframe() ? "K" : "_"));
            }
        }
        List<String> actual = r.stdout().lines().map(l -> l.substring(0, l.lastIndexOf(',') + 2)).toList();
        assertThat(actual).containsExactlyElementsOf(expected);
    }
}
