package dev.camrelay.server.rtsp;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where an RTSP request of a publisher points: the camera id (first path segment) and, for SETUP, the rest of the
 * path, which names the track ({@code a=control}). Clients spell one camera several ways: ffmpeg appends
 * {@code /streamid=N}, GStreamer adds trailing slashes, some send the absolute URL and some only the path
 * (protocols.md 2.1; RFC 2326 §3.2, §C.1.1). All of {@code /cam}, {@code /cam/}, {@code rtsp://h:p/cam/} name
 * camera {@code cam}; {@code /cam/streamid=0} names its track {@code streamid=0}.
 *
 * @param cameraId the first non-empty path segment ("" if none, e.g. for {@code *})
 * @param control  the remaining segments joined by {@code /}, without leading or trailing slashes ("" if none)
 */
record PublishPath(String cameraId, String control) {

    /** Nothing the relay serves: {@code OPTIONS *}, an empty or unparseable URI. */
    static final PublishPath NONE = new PublishPath("", "");

    static PublishPath of(String requestUri) {
        if (requestUri == null || requestUri.isEmpty() || requestUri.equals("*")) {
            return NONE;
        }
        String path;
        try {
            URI uri = new URI(requestUri);
            path = uri.getRawPath();
        } catch (URISyntaxException e) {
            return NONE;
        }
        if (path == null) {
            return NONE;
        }
        StringBuilder control = new StringBuilder();
        String camera = "";
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (camera.isEmpty()) {
                camera = segment;
            } else {
                if (!control.isEmpty()) {
                    control.append('/');
                }
                control.append(segment);
            }
        }
        return new PublishPath(camera, control.toString());
    }
}
