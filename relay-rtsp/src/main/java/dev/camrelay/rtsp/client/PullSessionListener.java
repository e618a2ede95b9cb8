package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.sdp.ControlUrls;
import dev.camrelay.rtsp.sdp.MediaDescription;
import java.util.List;

/**
 * Threading: called on the pull session's event loop; after the first ending call no other follows.
 *
 * <p>The events of one {@link RtspPullSession}.
 */
public interface PullSessionListener {

    /** Media flows; {@code tracks} lists the media set up, in track order. */
    void onPlaying(List<MediaDescription> tracks);

    /** The session cannot continue; the channel is being closed. */
    void onFailed(String reason);

    /** DESCRIBE was redirected to {@code url} (credentials kept); the channel is being closed. */
    default void onRedirect(String url) {
        onFailed("redirected to " + ControlUrls.withoutCredentials(url));
    }

    /** UDP carried nothing: connect again over TCP interleaved; the channel is being closed. */
    default void onSwitchToTcp(String reason) {
        onFailed(reason);
    }
}
