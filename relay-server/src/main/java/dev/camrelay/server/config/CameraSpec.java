package dev.camrelay.server.config;

import dev.camrelay.core.media.StreamKey;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A camera as an operator defines it, in the YAML file's {@code cameras} list or as the body of
 * {@code POST /api/v1/cameras}: either a pull camera ({@code source}, an RTSP URL the relay connects to) or a push
 * camera ({@code publish} credentials; it pushes to {@code rtsp://relay:8554/{id}}).
 *
 * @param id       camera id, {@link StreamKey#CAMERA_ID}
 * @param source   RTSP URL of a pull camera, or null
 * @param onDemand pull cameras only: connect when the first viewer arrives (null: false)
 * @param forceTcp pull cameras only: RTP over the RTSP TCP connection instead of UDP (null: false)
 * @param publish  credentials of a push camera, or null
 */
public record CameraSpec(String id, String source, Boolean onDemand, Boolean forceTcp, PublishCredentials publish) {

    /** RTSP URLs with credentials and long paths fit easily; a bound keeps a body from being stored unbounded. */
    public static final int MAX_SOURCE_LENGTH = 2048;

    /** The built-in demo camera: neither pulled nor pushed; its ingest is the demo loop. */
    public static CameraSpec demo(String id) {
        return new CameraSpec(id, null, null, null, null);
    }

    public boolean isPull() {
        return source != null;
    }

    public boolean isPush() {
        return publish != null;
    }

    /**
     * Checks a spec that came from outside (file or API). The demo camera's spec is not checked with this: it has
     * neither source nor publish.
     *
     * @throws InvalidFieldException naming the first bad field
     */
    public void validate() {
        if (id == null || id.isEmpty()) {
            throw new InvalidFieldException("id", "id is required");
        }
        if (!StreamKey.CAMERA_ID.matcher(id).matches()) {
            throw new InvalidFieldException("id", "id must match " + StreamKey.CAMERA_ID.pattern()
                    + " (letters, digits, '_', '.', '-'; at most 64; starting with a letter or digit)");
        }
        if ((source == null) == (publish == null)) {
            throw new InvalidFieldException(source == null ? "source" : "publish",
                    "give exactly one of source (a camera the relay pulls from) or publish (a camera that pushes)");
        }
        if (source != null) {
            validateSource();
        } else {
            if (onDemand != null || forceTcp != null) {
                throw new InvalidFieldException(onDemand != null ? "onDemand" : "forceTcp",
                        "onDemand and forceTcp apply to pull cameras (with source) only");
            }
            try {
                publish.validate();
            } catch (InvalidFieldException e) {
                throw e.under("publish");
            }
        }
    }

    private void validateSource() {
        if (source.length() > MAX_SOURCE_LENGTH) {
            throw new InvalidFieldException("source", "source must be at most " + MAX_SOURCE_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(source);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException("source", "source is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("rtsp") || scheme.equalsIgnoreCase("rtsps"))
                || uri.getHost() == null) {
            throw new InvalidFieldException("source", "source must be an rtsp:// or rtsps:// URL with a host");
        }
    }

    /** The source URL with any password replaced by {@code ***}, for responses and logs. */
    public String redactedSource() {
        if (source == null) {
            return null;
        }
        try {
            URI uri = new URI(source);
            String userInfo = uri.getRawUserInfo();
            if (userInfo == null) {
                return source;
            }
            int colon = userInfo.indexOf(':');
            String shown = colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***";
            return source.replace(userInfo + "@", shown + "@");
        } catch (URISyntaxException e) {
            return "(unparseable)";
        }
    }

    @Override
    public String toString() {
        return "CameraSpec[id=" + id + ", source=" + redactedSource() + ", onDemand=" + onDemand + ", forceTcp="
                + forceTcp + ", publish=" + publish + "]";
    }
}
