package dev.camrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CameraSpecTest {

    @Test
    void pullCameraNeedsAnRtspUrl() {
        new CameraSpec("front", "rtsp://u:p@10.0.0.5/stream1", true, null, null).validate();

        assertThatThrownBy(() -> new CameraSpec("front", "http://10.0.0.5/", null, null, null).validate())
                .isInstanceOf(InvalidFieldException.class)
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("source"));
    }

    @Test
    void pushCameraCredentialsAreNamedWithTheirPath() {
        assertThatThrownBy(() -> new CameraSpec("porch", null, null, null, new PublishCredentials("", "x"))
                .validate())
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("publish.user"));
    }

    @Test
    void exactlyOneOfSourceAndPublishIsRequired() {
        assertThatThrownBy(() -> new CameraSpec("x", null, null, null, null).validate())
                .isInstanceOf(InvalidFieldException.class);
        assertThatThrownBy(() -> new CameraSpec("x", "rtsp://h/s", null, null, new PublishCredentials("a", "b"))
                .validate())
                .isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void sourcePasswordIsMasked() {
        CameraSpec spec = new CameraSpec("front", "rtsp://user:secret@10.0.0.5/stream1", null, null, null);

        assertThat(spec.redactedSource()).isEqualTo("rtsp://user:***@10.0.0.5/stream1");
        assertThat(spec.toString()).doesNotContain("secret");
    }
}
