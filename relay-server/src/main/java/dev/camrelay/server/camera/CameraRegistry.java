package dev.camrelay.server.camera;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.core.session.StreamDirectory;
import dev.camrelay.server.config.CameraSpec;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's cameras by id, and the {@link StreamDirectory} through which viewer sessions find a camera's current
 * stream. Nothing else maps a camera id to a buffer.
 *
 * <p>Threading: thread-safe. {@link #add} and {@link #remove} are serialised (so the cap and the fingerprint check
 * are exact); lookups are lock-free.
 */
public final class CameraRegistry implements StreamDirectory, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CameraRegistry.class);

    private final ConcurrentHashMap<String, Camera> cameras = new ConcurrentHashMap<>();
    private final int maxCameras;
    private final int streamBufferBytes;
    private final EpochSource epochs;
    private final Clock clock;

    public CameraRegistry(int maxCameras, int streamBufferBytes, EpochSource epochs, Clock clock) {
        this.maxCameras = maxCameras;
        this.streamBufferBytes = streamBufferBytes;
        this.epochs = epochs;
        this.clock = clock;
    }

    /**
     * Adds a camera in state {@code idle}. The spec's fields are the caller's to validate; the registry checks what
     * only it can: the id's form, uniqueness, fingerprint uniqueness and the cap.
     *
     * @param note operator-facing remark shown with the camera ("" for none)
     */
    public synchronized Camera add(CameraSpec spec, String note) throws CameraRejection {
        String id = spec.id();
        if (id == null || !StreamKey.CAMERA_ID.matcher(id).matches()) {
            throw new CameraRejection(CameraRejection.Reason.BAD_ID,
                    "id must match " + StreamKey.CAMERA_ID.pattern());
        }
        if (cameras.containsKey(id)) {
            throw new CameraRejection(CameraRejection.Reason.DUPLICATE_ID,
                    "camera '" + id + "' exists; DELETE /api/v1/cameras/" + id + " first or choose another id");
        }
        long fingerprint = StreamKey.fingerprint(id);
        for (Camera other : cameras.values()) {
            // Frames carry the fingerprint, not the id: two cameras sharing one could not be told apart at egress.
            if (other.fingerprint() == fingerprint) {
                throw new CameraRejection(CameraRejection.Reason.FINGERPRINT_COLLISION,
                        "camera id '" + id + "' has the same 64-bit fingerprint as existing camera '" + other.id()
                                + "', so their frames could not be told apart; choose another id");
            }
        }
        if (cameras.size() >= maxCameras) {
            throw new CameraRejection(CameraRejection.Reason.LIMIT,
                    "the relay has its maximum of " + maxCameras + " cameras (maxCameras, RELAY_MAX_CAMERAS); "
                            + "delete one or raise the limit");
        }
        Camera camera = new Camera(spec, clock.instant(), note, streamBufferBytes, epochs);
        cameras.put(id, camera);
        LOG.info("camera {} added{}", id, note.isEmpty() ? "" : " (" + note + ")");
        return camera;
    }

    public Optional<Camera> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(cameras.get(id));
    }

    /** All cameras, by id. */
    public List<Camera> list() {
        return cameras.values().stream().sorted(Comparator.comparing(Camera::id)).toList();
    }

    public int size() {
        return cameras.size();
    }

    /**
     * Removes a camera: stops its ingest, seals its buffer and drops the registry's reference to it (the memory is
     * returned once the last reader lets go). Ending its sessions is the caller's job (the session registry).
     */
    public Optional<Camera> remove(String id) {
        Camera camera;
        synchronized (this) {
            camera = id == null ? null : cameras.remove(id);
        }
        if (camera != null) {
            camera.shutDown();
            LOG.info("camera {} deleted", id);
        }
        return Optional.ofNullable(camera);
    }

    /** Only rendition 0 (the camera's own stream) exists until transcoding lands. */
    @Override
    public Optional<StreamBuffer> current(String cameraId, int rendition) {
        if (rendition != StreamKey.SOURCE_RENDITION) {
            return Optional.empty();
        }
        return find(cameraId).flatMap(Camera::currentBuffer);
    }

    /** Samples every camera's totals for its bitrate window; called by the relay's sweeper. */
    public void sampleRates(long nanoTime) {
        for (Camera camera : cameras.values()) {
            camera.sampleRate(nanoTime);
        }
    }

    @Override
    public void close() {
        for (String id : List.copyOf(cameras.keySet())) {
            remove(id);
        }
    }
}
