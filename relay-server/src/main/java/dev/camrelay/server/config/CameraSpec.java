package dev.camrelay.server.config;

import dev.camrelay.core.media.StreamKey;
import dev.camrelay.rtsp.client.TlsTrust;
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
 * @param tlsFingerprint rtsps:// sources only: the SHA-256 of the camera's certificate, pinned (a self-signed
 *                       camera; MediaMTX's {@code sourceFingerprint}), or null
 * @param tlsVerify      rtsps:// sources only: false accepts any certificate (null: true, the JDK trust store)
 */
public record CameraSpec(String id, String source, Boolean onDemand, Boolean forceTcp, PublishCredentials publish,
                         String tlsFingerprint, Boolean tlsVerify) {

    /** RTSP URLs with credentials and long paths fit easily; a bound keeps a body from being stored unbounded. */
    public static final int MAX_SOURCE_LENGTH = 2048;

    /** A camera without TLS settings. */
    public CameraSpec(String id, String source, Boolean onDemand, Boolean forceTcp, PublishCredentials publish) {
        this(id, source, onDemand, forceTcp, publish, null, null);
    }

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
            if (tlsFingerprint != null || tlsVerify != null) {
                throw new InvalidFieldException(tlsFingerprint != null ? "tlsFingerprint" : "tlsVerify",
                        "tlsFingerprint and tlsVerify apply to rtsps:// pull cameras only");
            }
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
        validateTls(scheme.equalsIgnoreCase("rtsps"));
    }

    private void validateTls(boolean rtsps) {
        if (!rtsps && (tlsFingerprint != null || tlsVerify != null)) {
            throw new InvalidFieldException(tlsFingerprint != null ? "tlsFingerprint" : "tlsVerify",
                    "tlsFingerprint and tlsVerify apply to rtsps:// sources only");
        }
        if (tlsFingerprint != null && TlsTrust.normalizeFingerprint(tlsFingerprint) == null) {
            throw new InvalidFieldException("tlsFingerprint", "tlsFingerprint must be the SHA-256 of the camera's "
                    + "certificate: 64 hex digits, colons allowed (openssl x509 -noout -fingerprint -sha256)");
        }
        if (tlsFingerprint != null && Boolean.FALSE.equals(tlsVerify)) {
            throw new InvalidFieldException("tlsVerify", "give tlsFingerprint (pin the certificate) or "
                    + "tlsVerify: false (accept any), not both");
        }
    }

    /** How an rtsps:// source's certificate is checked (validated specs only). */
    public TlsTrust tlsTrust() {
        if (tlsFingerprint != null) {
            return TlsTrust.pinned(tlsFingerprint);
        }
        return Boolean.FALSE.equals(tlsVerify) ? TlsTrust.none() : TlsTrust.systemTrustStore();
    }

    /** True for a pull camera whose source is rtsps://. */
    public boolean isTls() {
        try {
            return source != null && "rtsps".equalsIgnoreCase(new URI(source).getScheme());
        } catch (URISyntaxException e) {
            return false;
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
                + forceTcp + ", publish=" + publish + ", tlsFingerprint=" + tlsFingerprint + ", tlsVerify=" + tlsVerify
                + "]";
    }
}
