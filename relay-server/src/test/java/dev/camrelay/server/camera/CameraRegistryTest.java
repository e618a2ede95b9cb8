package dev.camrelay.server.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.server.config.CameraSpec;
import dev.camrelay.server.config.PublishCredentials;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CameraRegistryTest {

    private static final int BUFFER = 64 * 1024;
    private static final StreamFormat FORMAT = new StreamFormat(List.of(
            TrackFormat.video(0, Codec.H264, "High", "3.0", 640, 360, 25, List.of())));

    private final CameraRegistry registry = new CameraRegistry(3, BUFFER, EpochSource.processWide(),
            Clock.systemUTC());

    @AfterEach
    void close() {
        registry.close();
    }

    private static CameraSpec push(String id) {
        return new CameraSpec(id, null, null, null, new PublishCredentials("u", "p"));
    }

    @Test
    void aNewCameraIsIdleWithNoStream() throws Exception {
        Camera camera = registry.add(push("porch"), "");

        assertThat(camera.state().label()).isEqualTo("idle");
        assertThat(camera.epoch()).isZero();
        assertThat(registry.current("porch", 0)).isEmpty();
    }

    @Test
    void aDuplicateIdIsRefused() throws Exception {
        registry.add(push("porch"), "");

        assertThatThrownBy(() -> registry.add(push("porch"), ""))
                .isInstanceOf(CameraRejection.class)
                .satisfies(e -> assertThat(((CameraRejection) e).reason())
                        .isEqualTo(CameraRejection.Reason.DUPLICATE_ID));
    }

    @Test
    void theCameraCapIsEnforcedWithAClearReason() throws Exception {
        registry.add(push("a"), "");
        registry.add(push("b"), "");
        registry.add(push("c"), "");

        assertThatThrownBy(() -> registry.add(push("d"), ""))
                .isInstanceOf(CameraRejection.class)
                .hasMessageContaining("maxCameras")
                .satisfies(e -> assertThat(((CameraRejection) e).reason()).isEqualTo(CameraRejection.Reason.LIMIT));
    }

    @Test
    void aBadIdIsRefused() {
        assertThatThrownBy(() -> registry.add(push("../etc"), ""))
                .satisfies(e -> assertThat(((CameraRejection) e).reason()).isEqualTo(CameraRejection.Reason.BAD_ID));
    }

    @Test
    void eachStartedEpochIsANewBufferAndSealsTheOldOne() throws Exception {
        Camera camera = registry.add(push("porch"), "");

        StreamBuffer first = camera.sink().startEpoch(FORMAT);
        long firstEpoch = camera.epoch();
        StreamBuffer second = camera.sink().startEpoch(FORMAT);

        assertThat(first.isSealed()).isTrue();
        assertThat(second.isSealed()).isFalse();
        assertThat(camera.epoch()).isGreaterThan(firstEpoch);
        assertThat(second.key().epoch()).isEqualTo(camera.epoch());
        assertThat(second.key().cameraId()).isEqualTo("porch");
        assertThat(second.capacity()).isEqualTo(BUFFER);
        assertThat(camera.state().isLive()).isTrue();
        assertThat(registry.current("porch", 0)).containsSame(second);
        assertThat(registry.current("porch", 1)).isEmpty();
    }

    @Test
    void countersAddUpAcrossEpochs() throws Exception {
        Camera camera = registry.add(push("porch"), "");
        StreamBuffer first = camera.sink().startEpoch(FORMAT);
        first.publish(new dev.camrelay.core.media.AccessUnit(0, 0, 0, true, new byte[100]));
        StreamBuffer second = camera.sink().startEpoch(FORMAT);
        second.publish(new dev.camrelay.core.media.AccessUnit(0, 0, 0, true, new byte[50]));

        assertThat(camera.framesIn()).isEqualTo(2);
        assertThat(camera.bytesIn()).isEqualTo(150);
    }

    @Test
    void stoppingSealsTheBufferAndShowsTheReason() throws Exception {
        Camera camera = registry.add(push("porch"), "");
        StreamBuffer buffer = camera.sink().startEpoch(FORMAT);

        camera.sink().stopped("connection reset", true);
        assertThat(buffer.isSealed()).isTrue();
        assertThat(camera.state().label()).isEqualTo("reconnecting");
        assertThat(registry.current("porch", 0)).isEmpty();

        camera.sink().stopped("401 Unauthorized", false);
        assertThat(camera.state().label()).isEqualTo("failed: 401 Unauthorized");
    }

    @Test
    void removingACameraStopsItsIngestAndSealsItsBuffer() throws Exception {
        Camera camera = registry.add(push("porch"), "");
        StreamBuffer buffer = camera.sink().startEpoch(FORMAT);
        boolean[] closed = {false};
        camera.attachIngest(() -> closed[0] = true);

        assertThat(registry.remove("porch")).isPresent();

        assertThat(closed[0]).isTrue();
        assertThat(buffer.isSealed()).isTrue();
        assertThat(registry.find("porch")).isEmpty();
        assertThatThrownBy(() -> camera.sink().startEpoch(FORMAT)).isInstanceOf(IllegalStateException.class);
    }
}
