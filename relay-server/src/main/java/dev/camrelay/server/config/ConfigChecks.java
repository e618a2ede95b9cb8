package dev.camrelay.server.config;

import dev.camrelay.core.buffer.StreamBufferDescriptor;
import dev.camrelay.hls.segment.SegmenterConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The range and shape checks of a merged {@link RelayConfig}; each failure names the key and its variable. */
final class ConfigChecks {

    static final int MIN_ADMIN_KEY_LENGTH = 16;
    /** HS256 needs a key of at least the hash size: 256 bits (RFC 7518 section 3.2). */
    static final int MIN_TOKEN_SECRET_BYTES = 32;
    static final int MAX_SESSIONS_PER_CAMERA = 100_000;
    static final int MAX_CAMERAS = 65_536;
    /** A month: long-lived displays renew well before; longer tokens are a standing risk if leaked. */
    static final int MAX_SESSION_TTL_SECONDS = 30 * 86_400;
    static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    private ConfigChecks() {
    }

    static void check(RelayConfig c) throws ConfigException {
        port(ConfigKey.HTTP_PORT, c.httpPort());
        port(ConfigKey.RTSP_PORT, c.rtspPort());
        port(ConfigKey.WEBRTC_PORT, c.webrtcPort());
        if (c.bind().isBlank()) {
            throw bad(ConfigKey.BIND, "must be an address such as 0.0.0.0 or 127.0.0.1");
        }
        if (!c.adminKeyGenerated() && (c.adminKey().length() < MIN_ADMIN_KEY_LENGTH
                || c.adminKey().chars().anyMatch(ch -> ch <= 0x20 || ch >= 0x7f))) {
            throw bad(ConfigKey.ADMIN_KEY, "must be at least " + MIN_ADMIN_KEY_LENGTH
                    + " printable ASCII characters without spaces");
        }
        if (!c.tokenSecret().isEmpty() && c.tokenSecret().getBytes(StandardCharsets.UTF_8).length
                < MIN_TOKEN_SECRET_BYTES) {
            throw bad(ConfigKey.TOKEN_SECRET, "must be at least " + MIN_TOKEN_SECRET_BYTES + " bytes");
        }
        if (c.jwksUrl().isEmpty() != c.jwksIssuer().isEmpty()) {
            throw bad(c.jwksUrl().isEmpty() ? ConfigKey.JWKS_URL : ConfigKey.JWKS_ISSUER,
                    "jwksUrl and jwksIssuer go together: set both to accept an external issuer's tokens, or neither");
        }
        if (!c.jwksUrl().isEmpty()) {
            baseUrl(ConfigKey.JWKS_URL, c.jwksUrl(), true);
        }
        if (!c.publicUrl().isEmpty()) {
            baseUrl(ConfigKey.PUBLIC_URL, c.publicUrl(), true);
        }
        if (c.tlsCertificate().isEmpty() != c.tlsKey().isEmpty()) {
            throw bad(c.tlsCertificate().isEmpty() ? ConfigKey.TLS_CERT : ConfigKey.TLS_KEY,
                    "tlsCertificate and tlsKey go together: set both to serve HTTPS, or neither");
        }
        readableFile(ConfigKey.TLS_CERT, c.tlsCertificate());
        readableFile(ConfigKey.TLS_KEY, c.tlsKey());
        try {
            StreamBufferDescriptor.checkCapacity(c.streamBufferBytes());
        } catch (IllegalArgumentException e) {
            throw bad(ConfigKey.STREAM_BUFFER_BYTES, e.getMessage());
        }
        range(ConfigKey.MAX_SESSIONS_PER_CAMERA, c.maxSessionsPerCamera(), 1, MAX_SESSIONS_PER_CAMERA);
        range(ConfigKey.MAX_CAMERAS, c.maxCameras(), 1, MAX_CAMERAS);
        range(ConfigKey.MAX_SESSION_TTL_SECONDS, c.maxSessionTtlSeconds(), 1, MAX_SESSION_TTL_SECONDS);
        range(ConfigKey.SESSION_TTL_SECONDS, c.sessionTtlSeconds(), 1, c.maxSessionTtlSeconds());
        for (String origin : c.corsOrigins()) {
            baseUrl(ConfigKey.CORS_ORIGINS, origin, false);
        }
        if (!LOG_LEVELS.contains(c.logLevel())) {
            throw bad(ConfigKey.LOG_LEVEL,
                    "must be one of TRACE, DEBUG, INFO, WARN, ERROR, got '" + c.logLevel() + "'");
        }
        hlsPartTarget(c.hlsPartTargetMillis());
        cameras(c.cameras(), c.demo());
    }

    /**
     * PART-TARGET: a range that keeps parts useful ({@link SegmenterConfig#MIN_PART_TARGET_MILLIS}), at most half of
     * TARGETDURATION, so it stays below it even once rounded up to whole frames (RFC 8216bis §4.4.3.7).
     */
    private static void hlsPartTarget(int millis) throws ConfigException {
        int max = Math.min(SegmenterConfig.MAX_PART_TARGET_MILLIS,
                SegmenterConfig.DEFAULT_TARGET_DURATION_SECONDS * 1000 / 2);
        if (millis < SegmenterConfig.MIN_PART_TARGET_MILLIS || millis > max) {
            throw bad(ConfigKey.HLS_PART_TARGET_MS, "must be between " + SegmenterConfig.MIN_PART_TARGET_MILLIS
                    + " and " + max + " ms (PART-TARGET stays below TARGETDURATION, "
                    + SegmenterConfig.DEFAULT_TARGET_DURATION_SECONDS + " s), got " + millis);
        }
    }

    private static void cameras(List<CameraSpec> cameras, boolean demo) throws ConfigException {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < cameras.size(); i++) {
            CameraSpec spec = cameras.get(i);
            String at = "cameras[" + i + "]";
            if (spec == null) {
                throw new ConfigException(at + ": empty camera entry");
            }
            try {
                spec.validate();
            } catch (InvalidFieldException e) {
                throw new ConfigException(at + "." + e.field() + ": " + e.getMessage());
            }
            if (!ids.add(spec.id())) {
                throw new ConfigException(at + ".id: duplicate camera id '" + spec.id() + "'");
            }
            if (demo && spec.id().equals(RelayConfig.DEMO_CAMERA_ID)) {
                throw new ConfigException(at + ".id: '" + RelayConfig.DEMO_CAMERA_ID
                        + "' is the demo camera's id; choose another or set demo: false (RELAY_DEMO=false)");
            }
        }
    }

    private static void port(ConfigKey key, int port) throws ConfigException {
        range(key, port, 0, 65_535);
    }

    private static void range(ConfigKey key, int value, int min, int max) throws ConfigException {
        if (value < min || value > max) {
            throw bad(key, "must be between " + min + " and " + max + ", got " + value);
        }
    }

    /** An http(s) origin, or with {@code pathAllowed} a base URL; never a query or fragment. */
    private static void baseUrl(ConfigKey key, String value, boolean pathAllowed) throws ConfigException {
        try {
            URI uri = new URI(value);
            boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            boolean noPath = uri.getRawPath() == null || uri.getRawPath().isEmpty();
            if (!web || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null || (!pathAllowed && !noPath)) {
                throw bad(key, "'" + value + "' must be " + (pathAllowed
                        ? "an http(s) URL without query, e.g. https://relay.example.com"
                        : "an origin like https://app.example.com (scheme, host, optional port; no path)"));
            }
        } catch (URISyntaxException e) {
            throw bad(key, "'" + value + "' is not a URL: " + e.getReason());
        }
    }

    private static void readableFile(ConfigKey key, String path) throws ConfigException {
        if (path.isEmpty()) {
            return;
        }
        boolean readable;
        try {
            java.nio.file.Path file = java.nio.file.Path.of(path);
            readable = java.nio.file.Files.isRegularFile(file) && java.nio.file.Files.isReadable(file);
        } catch (java.nio.file.InvalidPathException e) {
            readable = false;
        }
        if (!readable) {
            throw bad(key, "'" + path + "' is not a readable file");
        }
    }

    private static ConfigException bad(ConfigKey key, String what) {
        return new ConfigException(key.label() + ": " + what);
    }
}
