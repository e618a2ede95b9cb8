package dev.camrelay.server.api;

import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.camera.CameraRejection;
import dev.camrelay.server.config.CameraSpec;
import dev.camrelay.server.config.InvalidFieldException;
import dev.camrelay.server.http.AdminAuth;
import dev.camrelay.server.http.HttpError;
import dev.camrelay.server.http.JsonCodec;
import dev.camrelay.server.http.Request;
import dev.camrelay.server.http.Response;
import dev.camrelay.server.http.Router;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code /api/v1/cameras}: add, list, show and delete cameras (contract.md, Cameras). Admin key required.
 *
 * <p>Threading: stateless; handlers run concurrently on virtual threads.
 */
public final class CameraApi {

    /** Shown on pull cameras: how they are pulled, and what is not there yet. */
    public static final String PULL_NOTE = "pulled over RTSP, RTP over UDP with a fallback to TCP interleaved "
            + "(forceTcp: TCP only; transport shows which and why); onDemand cameras connect while they have viewers; "
            + "rtsps:// sources over TLS with RTP interleaved (tlsFingerprint pins a self-signed certificate, "
            + "tlsVerify: false accepts any)";
    /** Shown on push cameras: where and how they publish. */
    public static final String PUSH_NOTE = "the camera publishes over RTSP (ANNOUNCE/RECORD, TCP or UDP) to its "
            + "publishUrl with its publish credentials";

    private final CameraRegistry cameras;
    private final SessionRegistry sessions;
    private final JsonCodec json;
    private final RelayLinks links;
    private volatile Consumer<Camera> onAdded = camera -> {
    };

    public CameraApi(CameraRegistry cameras, SessionRegistry sessions, JsonCodec json, RelayLinks links) {
        this.cameras = cameras;
        this.sessions = sessions;
        this.json = json;
        this.links = links;
    }

    /** Called with every camera added (config file and API), after it is in the registry: starts its ingest. */
    public void onAdded(Consumer<Camera> listener) {
        this.onAdded = listener;
    }

    public void register(Router router, AdminAuth admin) {
        router.add("POST", "/api/v1/cameras", admin.protect(this::create));
        router.add("GET", "/api/v1/cameras", admin.protect(this::list));
        router.add("GET", "/api/v1/cameras/{id}", admin.protect(this::show));
        router.add("DELETE", "/api/v1/cameras/{id}", admin.protect(this::delete));
    }

    /**
     * Adds a camera from a validated spec (API or config file).
     *
     * @throws HttpError 400, or 409 for a duplicate id, a fingerprint collision or the camera cap
     */
    public Camera add(CameraSpec spec) {
        try {
            spec.validate();
        } catch (InvalidFieldException e) {
            throw HttpError.badRequest("bad_field", "field '" + e.field() + "': " + e.getMessage());
        }
        try {
            Camera camera = cameras.add(spec, spec.isPull() ? PULL_NOTE : PUSH_NOTE);
            onAdded.accept(camera);
            return camera;
        } catch (CameraRejection e) {
            throw switch (e.reason()) {
                case DUPLICATE_ID -> HttpError.conflict("camera_exists", e.getMessage());
                case FINGERPRINT_COLLISION -> HttpError.conflict("camera_id_collision", e.getMessage());
                case LIMIT -> HttpError.conflict("camera_limit", e.getMessage());
                case BAD_ID -> HttpError.badRequest("bad_field", "field 'id': " + e.getMessage());
            };
        }
    }

    private Response create(Request request) {
        Camera camera = add(json.read(request, CameraSpec.class));
        return json.response(201, view(camera)).withHeader("Location", "/api/v1/cameras/" + camera.id());
    }

    private Response list(Request request) {
        return json.response(200, Map.of("cameras", cameras.list().stream().map(this::view).toList()));
    }

    private Response show(Request request) {
        return json.response(200, view(find(request.pathParam("id"))));
    }

    /** Stops ingest and seals the buffer (registry), then ends every session of the camera (session registry). */
    private Response delete(Request request) {
        String id = request.pathParam("id");
        cameras.remove(id).orElseThrow(() -> notFound(id));
        sessions.revokeCamera(id);
        return Response.noContent();
    }

    Camera find(String id) {
        return cameras.find(id).orElseThrow(() -> notFound(id));
    }

    static HttpError notFound(String id) {
        return new HttpError(404, "camera_not_found", "no camera '" + id + "'; GET /api/v1/cameras lists them");
    }

    private CameraView view(Camera camera) {
        return CameraView.of(camera, sessions.activeCount(camera.id()), links.rtspBase());
    }
}
