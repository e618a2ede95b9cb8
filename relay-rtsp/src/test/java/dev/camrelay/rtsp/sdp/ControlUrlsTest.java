package dev.camrelay.rtsp.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlUrlsTest {

    @ParameterizedTest(name = "{0} | {1} | {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        // request URL | Content-Base | session control | base
        "rtsp://cam/live | null | null | rtsp://cam/live",
        "rtsp://cam/live | rtsp://cam/live/ | null | rtsp://cam/live/",
        "rtsp://cam:554/live | /live/ | null | rtsp://cam:554/live/",
        "rtsp://cam:554/live | /live | * | rtsp://cam:554/live",
        "rtsp://cam/live | rtsp://cam/live/ | rtsp://cam/other/ | rtsp://cam/other/",
        "rtsp://u:p@cam/live | '' | '' | rtsp://u:p@cam/live",
    })
    void baseUrlFollowsSessionControlThenContentBaseThenRequest(String request, String contentBase, String control,
                                                                String expected) {
        assertThat(ControlUrls.base(request, contentBase, control)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "rtsp://cam/live/ | trackID=1 | rtsp://cam/live/trackID=1",
        "rtsp://cam/live | trackID=1 | rtsp://cam/live/trackID=1",
        "rtsp://cam/live | rtsp://cam/live/track1 | rtsp://cam/live/track1",
        "rtsp://cam/live | * | rtsp://cam/live",
        "rtsp://cam/live | '' | rtsp://cam/live",
        "rtsp://cam:554 | //h264Preview_01_main | rtsp://cam:554//h264Preview_01_main",
        "rtsp://cam/a?x=1 | streamid=0 | rtsp://cam/a?x=1/streamid=0",
    })
    void trackUrlIsAbsoluteControlOrBasePlusControl(String base, String control, String expected) {
        assertThat(ControlUrls.track(base, control)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rtsp://user:pw@cam:554/live | rtsp://cam:554/live",
        "rtsp://cam/live | rtsp://cam/live",
    })
    void credentialsAreRemovedFromRequestUris(String url, String expected) {
        assertThat(ControlUrls.withoutCredentials(url)).isEqualTo(expected);
    }
}
