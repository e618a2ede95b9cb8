package dev.camrelay.server.config;

import java.util.List;

/**
 * The relay's configuration after the YAML file, the environment and the defaults have been merged and checked
 * ({@link RelayConfigLoader}). Every value here is valid; what is left open is marked.
 *
 * @param httpPort             HTTP port; 0 binds any free port (the bound one is reported by the server)
 * @param rtspPort             RTSP port; 0 binds any free port
 * @param webrtcPort           WebRTC UDP port; 0 binds any free port
 * @param bind                 address to listen on
 * @param adminKey             bearer key of the admin API
 * @param adminKeyGenerated    true when {@code adminKey} was generated because none was configured
 * @param tokenSecret          HMAC key for viewer tokens; empty: a random one per start
 * @param jwksUrl              JWKS URL of an external token issuer; empty: none
 * @param jwksIssuer           the {@code iss} of that issuer's tokens; empty exactly when {@code jwksUrl} is
 * @param demo                 run the built-in demo camera
 * @param publicUrl            base URL for links; empty: derived from the host and the bound HTTP port
 * @param streamBufferBytes    ring size per stream, a power of two
 * @param maxSessionsPerCamera viewer sessions per camera
 * @param maxCameras           cameras, the demo camera included
 * @param sessionTtlSeconds    session lifetime when a request gives none
 * @param maxSessionTtlSeconds longest session lifetime a request may ask for
 * @param corsOrigins          allowed CORS origins; empty: the relay's own origin and https://www.gstatic.com
 * @param logLevel             TRACE, DEBUG, INFO, WARN or ERROR
 * @param tlsCertificate       PEM certificate chain file; empty: plain HTTP (then {@code tlsKey} is empty too)
 * @param tlsKey               PEM private key file of that certificate; empty exactly when {@code tlsCertificate} is
 * @param hlsPartTargetMillis  the configured LL-HLS PART-TARGET, in range (each stream rounds it up to whole frames)
 * @param cameras              cameras created at start-up (validated, ids unique)
 */
public record RelayConfig(
        int httpPort,
        int rtspPort,
        int webrtcPort,
        String bind,
        String adminKey,
        boolean adminKeyGenerated,
        String tokenSecret,
        String jwksUrl,
        String jwksIssuer,
        boolean demo,
        String publicUrl,
        int streamBufferBytes,
        int maxSessionsPerCamera,
        int maxCameras,
        int sessionTtlSeconds,
        int maxSessionTtlSeconds,
        List<String> corsOrigins,
        String logLevel,
        String tlsCertificate,
        String tlsKey,
        int hlsPartTargetMillis,
        List<CameraSpec> cameras) {

    /** The demo camera's id (contract.md: "one built-in demo camera ({@code demo})"). */
    public static final String DEMO_CAMERA_ID = "demo";

    public RelayConfig {
        corsOrigins = List.copyOf(corsOrigins);
        cameras = List.copyOf(cameras);
    }

    /** Whether the HTTP port serves HTTPS (HTTP/2 with HTTP/1.1 fallback). */
    public boolean tls() {
        return !tlsCertificate.isEmpty();
    }

    /** Secrets stay out of logs and exception messages. */
    @Override
    public String toString() {
        return "RelayConfig[httpPort=" + httpPort + ", rtspPort=" + rtspPort + ", webrtcPort=" + webrtcPort
                + ", bind=" + bind + ", adminKey=***, tokenSecret=" + (tokenSecret.isEmpty() ? "(random)" : "***")
                + ", jwksUrl=" + jwksUrl + ", jwksIssuer=" + jwksIssuer
                + ", demo=" + demo + ", publicUrl=" + publicUrl + ", streamBufferBytes=" + streamBufferBytes
                + ", maxSessionsPerCamera=" + maxSessionsPerCamera + ", maxCameras=" + maxCameras
                + ", sessionTtlSeconds=" + sessionTtlSeconds + ", maxSessionTtlSeconds=" + maxSessionTtlSeconds
                + ", corsOrigins=" + corsOrigins + ", logLevel=" + logLevel + ", tlsCertificate=" + tlsCertificate
                + ", tlsKey=" + tlsKey + ", hlsPartTargetMillis=" + hlsPartTargetMillis + ", cameras=" + cameras
                + "]";
    }
}
