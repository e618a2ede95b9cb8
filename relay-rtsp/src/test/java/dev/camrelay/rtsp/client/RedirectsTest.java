package dev.camrelay.rtsp.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a DESCRIBE redirect leads (protocols.md 1.2): credentials kept, relative locations, no rtsps downgrade. */
class RedirectsTest {

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "rtsp://u:p@cam.local/a | rtsp://nvr.local:8554/b           | rtsp://u:p@nvr.local:8554/b",
        "rtsp://u:p@cam.local/a | /moved                            | rtsp://u:p@cam.local/moved",
        "rtsp://cam.local/a     | rtsp://nvr.local/b                | rtsp://nvr.local/b",
        "rtsp://u:p@cam.local/a | rtsp://x:y@nvr.local/b            | rtsp://x:y@nvr.local/b",
        "rtsp://u:p%40@cam/a    | rtsp://nvr/b?ch=1                 | rtsp://u:p%40@nvr/b?ch=1",
        "rtsps://u:p@cam/a      | rtsps://nvr/b                     | rtsps://u:p@nvr/b",
        "rtsps://u:p@cam/a      | rtsp://nvr/b                      | null",
        "rtsp://u:p@cam/a       | http://nvr/b                      | null",
        "rtsp://u:p@cam/a       | '   '                             | null",
        "rtsp://u:p@cam/a       | 'rtsp://[bad'                     | null",
    })
    void aLocationResolvesAgainstTheCurrentUrlAndKeepsItsCredentials(String current, String location,
                                                                      String expected) {
        assertThat(Redirects.resolve(current, location)).isEqualTo(expected);
    }

    @Test
    void anRtspsCameraRedirectedToPlainRtspIsADowngrade() {
        assertThat(Redirects.isDowngrade("rtsps://u:p@cam/a", "rtsp://nvr/b")).isTrue();
        assertThat(Redirects.isDowngrade("RTSPS://cam/a", " RTSP://nvr/b")).isTrue();
        assertThat(Redirects.isDowngrade("rtsps://cam/a", "rtsps://nvr/b")).isFalse();
        assertThat(Redirects.isDowngrade("rtsps://cam/a", "/moved")).isFalse();
        assertThat(Redirects.isDowngrade("rtsp://cam/a", "rtsp://nvr/b")).isFalse();
        assertThat(Redirects.isDowngrade("rtsps://cam/a", null)).isFalse();
    }

    @Test
    void onlyThe3xxStatusesOfRfc2326Redirect() {
        assertThat(Redirects.isRedirect(301)).isTrue();
        assertThat(Redirects.isRedirect(302)).isTrue();
        assertThat(Redirects.isRedirect(305)).isTrue();
        assertThat(Redirects.isRedirect(300)).isFalse();
        assertThat(Redirects.isRedirect(200)).isFalse();
        assertThat(Redirects.isRedirect(401)).isFalse();
    }
}
