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

    private static final String PIN = "81:7D:C8:2E:52:AF:D6:1C:65:62:32:7E:46:44:C6:93:"
            + "D1:B7:46:B7:33:E9:EA:7E:7D:0F:79:B7:7A:51:48:CA";

    private static String badField(CameraSpec spec) {
        try {
            spec.validate();
            return null;
        } catch (InvalidFieldException e) {
            return e.field() + ": " + e.getMessage();
        }
    }

    @Test
    void tlsSettingsAreCheckedAndApplyToRtspsSourcesOnly() {
        CameraSpec pinned = new CameraSpec("c", "rtsps://10.0.0.5/s", null, null, null,
                PIN.replace(":", "").toLowerCase(java.util.Locale.ROOT), null);
        assertThat(badField(pinned)).isNull();
        assertThat(pinned.tlsTrust().fingerprint()).isEqualTo(PIN);
        assertThat(pinned.tlsTrust().verify()).isTrue();
        assertThat(new CameraSpec("c", "rtsps://10.0.0.5/s", null, null, null).tlsTrust().fingerprint()).isNull();
        assertThat(new CameraSpec("c", "RTSPS://10.0.0.5/s", null, null, null, null, false).tlsTrust().verify())
                .isFalse();

        assertThat(badField(new CameraSpec("c", "rtsp://10.0.0.5/s", null, null, null, PIN, null)))
                .startsWith("tlsFingerprint: ").contains("rtsps:// sources only");
        assertThat(badField(new CameraSpec("c", "rtsp://10.0.0.5/s", null, null, null, null, false)))
                .startsWith("tlsVerify: ");
        assertThat(badField(new CameraSpec("c", "rtsps://10.0.0.5/s", null, null, null, "AB:CD", null)))
                .startsWith("tlsFingerprint: ").contains("64 hex digits");
        assertThat(badField(new CameraSpec("c", "rtsps://10.0.0.5/s", null, null, null, PIN, false)))
                .startsWith("tlsVerify: ").contains("not both");
        assertThat(badField(new CameraSpec("c", null, null, null, new PublishCredentials("a", "b"), PIN, null)))
                .startsWith("tlsFingerprint: ");
    }
}
