package dev.camrelay.core.ingest;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.media.StreamFormat;

/**
 * Where one camera's ingest (the demo loop, an RTSP pull or push session) delivers its media. The camera registry
 * implements it, one instance per camera.
 *
 * <p>Threading: all calls for one camera come from that camera's ingest thread, which becomes the single writer of
 * every buffer {@link #startEpoch} returns.
 */
public interface IngestSink {

    /**
     * The source has (re)started, or its codec or resolution changed: seal the previous epoch's buffer (its readers
     * drain it and move on through their sessions) and open a fresh buffer for a new epoch, the camera's state
     * becoming {@code live}.
     *
     * @return the new epoch's buffer; the caller is its only writer
     */
    StreamBuffer startEpoch(StreamFormat format);

    /**
     * The source stopped (lost, torn down, failed): seal the current buffer; the camera's state becomes
     * {@code reconnecting} or {@code failed: reason} as the registry decides.
     *
     * @param reason operator-readable, shown in the cameras API
     * @param willRetry true when ingest will try again (state {@code reconnecting}), false for {@code failed}
     */
    void stopped(String reason, boolean willRetry);
}
