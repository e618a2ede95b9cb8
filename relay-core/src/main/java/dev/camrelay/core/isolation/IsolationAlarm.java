package dev.camrelay.core.isolation;

import dev.camrelay.core.media.StreamKey;

/**
 * Where egress reports a frame whose provenance does not match the session it was about to be sent to. Any call is a
 * bug somewhere in the relay; implementations count it ({@code relay_isolation_violations_total}) and log at ERROR.
 *
 * <p>Threading: called from any egress thread; implementations must be thread-safe.
 */
public interface IsolationAlarm {

    /**
     * @param expected   the stream the reader was opened for
     * @param where      which check fired (e.g. "stream-buffer-reader", "hls-handler")
     * @param detail     what was found instead (camera fingerprint, epoch, rendition, sequence)
     */
    void violation(StreamKey expected, String where, String detail);
}
