package dev.camrelay.hls.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.isolation.IsolationAlarm;
import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.hls.testing.ExternalTool;
import dev.camrelay.hls.testing.FfmpegClip;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline from a stream's ring buffer to its HLS storage, with a real encoder's frames. */
class StreamSegmenterAgentTest {

    private static final StreamKey KEY = new StreamKey("front-door", 3, 0);
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final IsolationAlarm alarm = (expected, where, detail) -> violations.add(where + ": " + detail);

    @TempDir
    Path dir;

    @Test
    void framesPublishedToTheStreamBufferEndUpAsPlayableSegmentsAndSealingEndsThePlaylist() throws IOException {
        FfmpegClip clip = FfmpegClip.encode(dir, "libx264", "aac", 4, 50);
        StreamBuffer stream = new StreamBuffer(KEY, clip.format(), 1 << 22);
        StreamReader reader = stream.openReader(KEY, alarm);
        SegmentStore store = new SegmentStore(SegmenterConfig.defaults(), () -> { });
        StreamSegmenterAgent agent = new StreamSegmenterAgent(reader, new StreamSegmenter(KEY.epoch(),
                clip.format(), SegmenterConfig.defaults(), store, InstantSource.fixed(Instant.EPOCH)));

        for (AccessUnit u : clip.units()) {
            assertThat(stream.publish(u)).isNotNegative();
            agent.doWork();
        }
        assertThat(agent.isDone()).isFalse();
        assertThat(store.playlist().ended()).isFalse();
        stream.seal();
        while (agent.doWork() > 0) {
            Thread.onSpinWait();
        }

        assertThat(agent.isDone()).isTrue();
        assertThat(store.playlist().ended()).isTrue();
        assertThat(violations).isEmpty();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(store.init(KEY.epoch()));
        store.playlist().segments().forEach(s -> all.writeBytes(StoredBytes.segment(store, KEY.epoch(), s.msn())));
        store.close();
        Path out = dir.resolve("pipeline.mp4");
        Files.write(out, all.toByteArray());
        ExternalTool.Result probe = ExternalTool.runOk(dir, "ffprobe", "-v", "error", "-count_frames",
                "-select_streams", "v", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", out.toString());
        assertThat(probe.stdout().strip()).isEqualTo(Integer.toString(clip.videoCount()));
    }

    @Test
    void oneDutyCycleMovesABoundedNumberOfFrames() throws IOException {
        FfmpegClip clip = FfmpegClip.encode(dir, "libx264", "aac", 4, 50);
        StreamBuffer stream = new StreamBuffer(KEY, clip.format(), 1 << 22);
        SegmentStore store = new SegmentStore(SegmenterConfig.defaults(), () -> { });
        StreamSegmenterAgent agent = new StreamSegmenterAgent(stream.openReader(KEY, alarm), new StreamSegmenter(
                KEY.epoch(), clip.format(), SegmenterConfig.defaults(), store, InstantSource.fixed(Instant.EPOCH)));
        clip.units().forEach(stream::publish);

        assertThat(agent.doWork()).isEqualTo(StreamSegmenterAgent.MAX_FRAMES_PER_WORK);
        store.close();
    }
}
