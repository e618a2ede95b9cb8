package dev.camrelay.core.media;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Identity of one stream: a camera, one epoch of its source (a new one each time the source (re)starts), and one
 * rendition ("source" or a transcoded one). Every frame in a {@code StreamBuffer} carries this provenance.
 *
 * @param cameraId  the camera's id as configured (see {@link #CAMERA_ID})
 * @param epoch     strictly increasing per camera; never reused within a process
 * @param rendition rendition index: 0 is the camera's own stream, higher values are transcoded renditions
 */
public record StreamKey(String cameraId, long epoch, int rendition) {

    /** Camera ids appear in URLs and metric labels: keep them to a safe, bounded alphabet. */
    public static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public static final int SOURCE_RENDITION = 0;
    public static final int MAX_RENDITIONS = 16;

    public StreamKey {
        if (cameraId == null || !CAMERA_ID.matcher(cameraId).matches()) {
            throw new IllegalArgumentException("bad camera id: " + cameraId);
        }
        if (epoch <= 0) {
            throw new IllegalArgumentException("epoch must be positive: " + epoch);
        }
        if (rendition < 0 || rendition >= MAX_RENDITIONS) {
            throw new IllegalArgumentException("rendition out of range: " + rendition);
        }
    }

    /**
     * A 64-bit fingerprint of the camera id (FNV-1a over its UTF-8 bytes), stamped into every record so a reader
     * can check a frame's camera without comparing strings. The camera registry rejects a new camera whose
     * fingerprint collides with an existing one, so within a process the fingerprint identifies the camera.
     */
    public long cameraFingerprint() {
        return fingerprint(cameraId);
    }

    public static long fingerprint(String cameraId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : cameraId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public String toString() {
        return cameraId + "#" + epoch + "/r" + rendition;
    }
}
