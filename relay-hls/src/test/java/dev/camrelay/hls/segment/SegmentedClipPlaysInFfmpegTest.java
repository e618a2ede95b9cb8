package dev.camrelay.hls.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.hls.playlist.HlsUris;
import dev.camrelay.hls.playlist.MediaPlaylistRenderer;
import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import dev.camrelay.hls.playlist.MultivariantPlaylistRenderer;
import dev.camrelay.hls.playlist.PartInfo;
import dev.camrelay.hls.playlist.SegmentInfo;
import dev.camrelay.hls.playlist.VariantStream;
import dev.camrelay.hls.testing.ExternalTool;
import dev.camrelay.hls.testing.FfmpegClip;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real encoder's output through the whole segmenter: the ffmpeg clip (2 s GOPs with B-frames, AAC) is fed frame by
 * frame; the init section followed by every stored segment must play in ffmpeg with every accepted frame and no
 * decode error, each segment on its own (with the init section) must start with a keyframe, and the playlist's parts
 * must respect PART-TARGET (RFC 8216bis §4.4.4.9).
 */
class SegmentedClipPlaysInFfmpegTest {

    @TempDir
    Path dir;

    @Test
    void h264AndAacSegmentsDecodeCompletelyAndEachStartsWithAKeyframe() throws IOException {
        assertSegmentsPlay("libx264", "aac", "h264", "aac");
    }

    @Test
    void h265AndOpusSegmentsDecodeCompletelyAndEachStartsWithAKeyframe() throws IOException {
        assertSegmentsPlay("libx265", "libopus", "hevc", "opus");
    }

    private void assertSegmentsPlay(String videoEncoder, String audioEncoder, String videoCodec, String audioCodec)
            throws IOException {
        FfmpegClip clip = FfmpegClip.encode(dir, videoEncoder, audioEncoder, 6, 50);
        SegmenterConfig config = SegmenterConfig.defaults();
        SegmentStore store = new SegmentStore(config, () -> { });
        StreamSegmenter segmenter = new StreamSegmenter(1, clip.format(), config, store,
                InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
        int[] accepted = new int[2];
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
        for (AccessUnit u : clip.units()) {
            byte[] payload = u.payload();
            buffer.wrap(payload);
            if (segmenter.onFrame(u.track(), u.pts(), u.dts(), u.keyframe(), buffer, 0, payload.length)
                    == StreamSegmenter.ACCEPTED) {
                accepted[u.track()]++;
            }
        }
        segmenter.end();

        MediaPlaylistSnapshot playlist = store.playlist();
        assertThat(accepted[0]).isEqualTo(clip.videoCount());
        assertThat(playlist.segments()).hasSize(3);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(store.init(1));
        for (SegmentInfo s : playlist.segments()) {
            byte[] segment = StoredBytes.segment(store, 1, s.msn());
            all.writeBytes(segment);
            Path alone = dir.resolve("alone-" + s.msn() + ".mp4");
            Files.write(alone, concat(store.init(1), segment));
            ExternalTool.Result first = ExternalTool.runOk(dir, "ffprobe", "-v", "error", "-select_streams", "v",
                    "-show_entries", "packet=flags", "-of", "csv=p=0", alone.toString());
            assertThat(first.stdout().lines().findFirst()).as("segment %d starts with a keyframe", s.msn())
                    .hasValueSatisfying(f -> assertThat(f).startsWith("K"));
        }
        Path out = dir.resolve("all.mp4");
        Files.write(out, all.toByteArray());

        ExternalTool.Result probe = ExternalTool.runOk(dir, "ffprobe", "-v", "error", "-count_frames",
                "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", out.toString());
        assertThat(probe.stdout().lines().toList()).containsExactly(videoCodec + "," + accepted[0],
                audioCodec + "," + accepted[1]);
        ExternalTool.Result decode = ExternalTool.run(dir, "ffmpeg", "-v", "error", "-i", out.toString(), "-f",
                "null", "-");
        assertThat(decode.exitCode()).isZero();
        assertThat(decode.stderr()).isEmpty();

        for (SegmentInfo s : playlist.segments()) {
            // one 2 s GOP each, measured on DTS (x265 spaces its first DTS unevenly, hence the frame of slack)
            assertThat(s.duration()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.041));
            List<PartInfo> parts = s.parts();
            assertThat(parts.get(0).independent()).isTrue();
            for (int i = 0; i < parts.size(); i++) {
                assertThat(parts.get(i).duration()).isLessThanOrEqualTo(playlist.partTarget());
                if (i < parts.size() - 1 && !parts.get(i).independent()) {
                    assertThat(parts.get(i).duration()).isGreaterThanOrEqualTo(0.85 * playlist.partTarget());
                }
            }
        }
        assertThat(MediaPlaylistRenderer.render(playlist)).contains("#EXTINF:", "seg-1-0.m4s");

        // mediastreamvalidator's bandwidth rule (protocols.md 4.8): no segment above BANDWIDTH, the mean exact
        BitrateStats rates = store.bitrates();
        long bits = 0;
        double seconds = 0;
        for (SegmentInfo s : playlist.segments()) {
            long segmentBits = 8L * store.segment(1, s.msn()).length();
            assertThat(segmentBits / s.duration()).isLessThanOrEqualTo(rates.peakBitsPerSecond());
            bits += segmentBits;
            seconds += s.duration();
        }
        assertThat(rates.averageBitsPerSecond()).isEqualTo(Math.round(bits / seconds));
        store.close();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * The playlists as a player sees them: the multivariant playlist at {@code /hls/{camera}/index.m3u8} and the
     * media playlist at {@code /hls/s/{sid}/0/index.m3u8} are written as files with the init section and segments
     * under the names the playlists give; ffmpeg's HLS demuxer follows the relative URIs from the multivariant
     * playlist and must read every frame of the ended stream.
     */
    @Test
    void ffmpegPlaysTheStreamThroughTheMultivariantAndMediaPlaylists() throws IOException {
        FfmpegClip clip = FfmpegClip.encode(dir, "libx264", "aac", 6, 50);
        SegmenterConfig config = SegmenterConfig.defaults();
        SegmentStore store = new SegmentStore(config, () -> { });
        StreamSegmenter segmenter = new StreamSegmenter(7, clip.format(), config, store,
                InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
        int videoAccepted = 0;
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
        for (AccessUnit u : clip.units()) {
            byte[] payload = u.payload();
            buffer.wrap(payload);
            int status = segmenter.onFrame(u.track(), u.pts(), u.dts(), u.keyframe(), buffer, 0, payload.length);
            videoAccepted += status == StreamSegmenter.ACCEPTED && u.track() == 0 ? 1 : 0;
        }
        segmenter.end();

        String sid = "q2Xv0c9Tb1mW7kA3";
        Path media = Files.createDirectories(dir.resolve("hls/s/" + sid + "/0"));
        Path camera = Files.createDirectories(dir.resolve("hls/front-door"));
        MediaPlaylistSnapshot playlist = store.playlist();
        Files.writeString(media.resolve(HlsUris.MEDIA_PLAYLIST), MediaPlaylistRenderer.render(playlist));
        Files.write(media.resolve(HlsUris.init(7)), store.init(7));
        for (SegmentInfo s : playlist.segments()) {
            Files.write(media.resolve(HlsUris.segment(7, s.msn())), StoredBytes.segment(store, 7, s.msn()));
        }
        BitrateStats rates = store.bitrates();
        store.close();
        Files.writeString(camera.resolve("index.m3u8"), MultivariantPlaylistRenderer.render(List.of(
                VariantStream.of(HlsUris.mediaPlaylistFromMultivariant(sid, 0), clip.format(),
                        rates.peakBitsPerSecond(), rates.averageBitsPerSecond()))));

        ExternalTool.Result probe = ExternalTool.runOk(dir, "ffprobe", "-v", "error", "-count_frames",
                "-select_streams", "v", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of",
                "csv=p=0", camera.resolve("index.m3u8").toString());
        // the HLS demuxer lists the stream once under its program and once on its own
        assertThat(probe.stdout().lines().filter(l -> !l.isBlank()).distinct().toList())
                .containsExactly("h264,320,240," + videoAccepted);
        ExternalTool.Result decode = ExternalTool.run(dir, "ffmpeg", "-v", "error", "-i",
                camera.resolve("index.m3u8").toString(), "-f", "null", "-");
        assertThat(decode.exitCode()).isZero();
        assertThat(decode.stderr()).isEmpty();
    }
}
