package dev.camrelay.server.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PublishPathTest {

    @ParameterizedTest
    @CsvSource({
        "rtsp://127.0.0.1:8554/cam, cam, ''",
        "rtsp://127.0.0.1:8554/cam/, cam, ''",
        "rtsp://user:pw@127.0.0.1/cam//, cam, ''",
        "rtsp://127.0.0.1:8554/cam/streamid=0, cam, streamid=0",
        "/cam/streamid=1, cam, streamid=1",
        "/cam/trackID=1/, cam, trackID=1",
        "rtsp://127.0.0.1/cam?x=1, cam, ''",
        "'*', '', ''",
        "'rtsp://bad host/ x', '', ''",
    })
    void aCameraPathIsRecognisedHoweverTheClientSpellsIt(String uri, String camera, String control) {
        PublishPath p = PublishPath.of(uri);
        assertThat(p.cameraId()).isEqualTo(camera);
        assertThat(p.control()).isEqualTo(control);
    }
}
