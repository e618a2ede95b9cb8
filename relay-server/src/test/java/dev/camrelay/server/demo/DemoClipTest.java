package dev.camrelay.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.codec.h264.SeiCameraTag;
import dev.camrelay.core.ingest.IngestSink;
import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.core.media.TrackFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class DemoClipTest {

    @Test
    void theShippedClipIsTaggedDemoOnEveryFrameWithAKeyframeEverySecond() {
        DemoClip clip = DemoClip.load();

        TrackFormat video = clip.format().tracks().get(0);
        assertThat(video.codec()).isEqualTo(Codec.H264);
        assertThat(video.width()).isEqualTo(640);
        assertThat(video.height()).isEqualTo(360);
        assertThat(video.frameRate()).isEqualTo(25.0);
        assertThat(video.profile()).isEqualTo("Constrained Baseline");
        assertThat(video.parameterSets()).hasSize(2);
        assertThat(clip.frames()).hasSize(100);
        assertThat(clip.gopFrames()).isEqualTo(25);
        for (int i = 0; i < clip.frames().size(); i++) {
            UnsafeBuffer au = clip.frames().get(i);
            byte[] bytes = new byte[au.capacity()];
            au.getBytes(0, bytes);
            assertThat(SeiCameraTag.findInAvcc(bytes)).as("frame %d", i).contains("DEMO");
            assertThat(clip.keyframes()[i]).as("frame %d", i).isEqualTo(i % 25 == 0);
        }
    }

    @Test
    void theLoopPublishesInRealTimeWithContinuousTimestampsAndStopsOnClose() throws Exception {
        DemoClip clip = DemoClip.load();
        AtomicReference<StreamBuffer> buffer = new AtomicReference<>();
        IngestSink sink = new IngestSink() {
            @Override
            public StreamBuffer startEpoch(StreamFormat format) {
                buffer.set(new StreamBuffer(new StreamKey("demo", 1, 0), format, 1 << 22));
                return buffer.get();
            }

            @Override
            public void stopped(String reason, boolean willRetry) {
            }
        };
        DemoCamera demo = new DemoCamera(clip, sink);
        demo.start();
        Thread.sleep(1_000);
        demo.close();
        long published = buffer.get().framesPublished();
        Thread.sleep(200);

        // About 25 frames in one second; generous bounds for a loaded 2-core machine.
        assertThat(published).isBetween(10L, 40L);
        assertThat(buffer.get().framesPublished()).isEqualTo(published);
    }
}
