package dev.camrelay.core.session;

import dev.camrelay.core.buffer.StreamBuffer;
import java.util.Optional;

/**
 * Where a viewer session finds its camera's current stream. Only {@link ViewerSession} asks it (an architecture test
 * keeps egress packages away from it): egress code holds a session, never a camera id to look up.
 *
 * <p>Threading: implementations are thread-safe.
 */
public interface StreamDirectory {

    /** The buffer of the camera's current epoch for {@code rendition}, empty while the camera is not live. */
    Optional<StreamBuffer> current(String cameraId, int rendition);
}
