package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.core.token.RevocationList;
import dev.camrelay.hls.segment.SegmenterConfig;
import dev.camrelay.hls.segment.StoredPart;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.camera.EpochSource;
import dev.camrelay.server.config.CameraSpec;
import dev.camrelay.server.config.PublishCredentials;
import io.netty.util.HashedWheelTimer;
import java.time.Clock;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A part is dated by the arrival of the frame that completed it (its ring arrival stamp), not by when the segmenter
 * got round to it: the held-reload latency then covers the segmenter's poll and muxing too (issue 4 §6).
 */
class HlsStreamClockTest {

    private static final StreamFormat FORMAT = new StreamFormat(List.of(
            TrackFormat.video(0, Codec.H264, "High", "3.0", 640, 360, 25, List.of(
                    new byte[] {0x67, 0x64, 0x00, 0x1f, (byte) 0xac}, new byte[] {0x68, (byte) 0xeb}))));
    /** How long before the segmenter reads it each frame arrived: a backlog the latency must include. */
    private static final long ARRIVED_AGO_NANOS = TimeUnit.MILLISECONDS.toNanos(30);

    private final CameraRegistry cameras = new CameraRegistry(3, 1 << 20, EpochSource.processWide(),
            Clock.systemUTC());
    private final SessionRegistry sessions = new SessionRegistry(cameras, (key, where, what) -> { },
            new RevocationList(), Clock.systemUTC(), 10);
    private final HashedWheelTimer timer = new HashedWheelTimer();
    private HlsStream stream;

    @AfterEach
    void close() {
        if (stream != null) {
            stream.onClose();
        }
        timer.stop();
        cameras.close();
    }

    @Test
    void aPartIsDatedByTheArrivalOfTheFrameThatCompletedIt() throws Exception {
        Camera camera = cameras.add(new CameraSpec("porch", null, null, null, new PublishCredentials("u", "p")), "");
        StreamBuffer ring = camera.sink().startEpoch(FORMAT);
        stream = new HlsStream(camera, cameras, sessions, SegmenterConfig.defaults(), timer, Runnable::run,
                InstantSource.system());
        UnsafeBuffer payload = new UnsafeBuffer(new byte[1200]);
        stream.doWork(); // opens the reader on the camera's epoch

        long closerArrived = StoredPart.NOT_PUBLISHED;
        for (int frame = 0; frame < 50 && stream.store().publishedNanos(0) == StoredPart.NOT_PUBLISHED; frame++) {
            long dts = frame * 3600L;
            long arrived = System.nanoTime() - ARRIVED_AGO_NANOS;
            ring.publish(0, dts, dts, frame % 25 == 0, payload, 0, payload.capacity(), arrived);
            stream.doWork();
            closerArrived = arrived;
        }

        long published = stream.store().publishedNanos(0);
        assertThat(published).as("part 0 published").isNotEqualTo(StoredPart.NOT_PUBLISHED);
        // the stamp keeps microseconds: the date is the closing frame's arrival to within one
        assertThat(Math.abs(published - closerArrived)).as("ns between the part's date and its closing frame's arrival")
                .isLessThan(2_000);
    }
}
