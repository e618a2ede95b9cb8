package dev.camrelay.server.config;

/**
 * Every setting of the relay: its YAML key, its environment variable, its default and what it means. This list is
 * the single source of {@code --help}, of environment overrides and of the keys named in error messages.
 */
public enum ConfigKey {
    HTTP_PORT("httpPort", "8080", "HTTP port: API, HLS, WHEP, dashboard, metrics (0: any free port)"),
    RTSP_PORT("rtspPort", "8554", "RTSP port: camera push ingest and re-serve (0: any free port)"),
    WEBRTC_PORT("webrtcPort", "8189", "WebRTC media, one UDP port for all sessions (0: any free port)"),
    BIND("bind", "0.0.0.0", "address to listen on"),
    ADMIN_KEY("adminKey", "random, printed", "bearer key of the admin API (at least 16 characters)"),
    TOKEN_SECRET("tokenSecret", "random per start", "HMAC key signing viewer tokens (at least 32 bytes)"),
    JWKS_URL("jwksUrl", "none", "JWKS URL of an external token issuer, fetched and cached (with jwksIssuer)"),
    JWKS_ISSUER("jwksIssuer", "none", "the 'iss' of tokens that are checked against jwksUrl"),
    DEMO("demo", "true", "the built-in demo camera 'demo' (false: off)"),
    PUBLIC_URL("publicUrl", "http://<host>:<httpPort>", "base URL in printed links, hlsUrl and whepUrl"),
    STREAM_BUFFER_BYTES("streamBufferBytes", "8388608", "ring size per stream in bytes (8 MiB; a power of two)"),
    MAX_SESSIONS_PER_CAMERA("maxSessionsPerCamera", "100", "viewer sessions per camera"),
    MAX_CAMERAS("maxCameras", "256", "cameras the relay accepts"),
    SESSION_TTL_SECONDS("sessionTtlSeconds", "600", "session lifetime when a request gives no ttlSeconds"),
    MAX_SESSION_TTL_SECONDS("maxSessionTtlSeconds", "86400", "longest session lifetime a request may ask for"),
    CORS_ORIGINS("corsOrigins", "own origin, https://www.gstatic.com",
            "origins allowed by CORS (environment: comma-separated)"),
    LOG_LEVEL("logLevel", "INFO", "log level: TRACE, DEBUG, INFO, WARN or ERROR"),
    TLS_CERT("tlsCertificate", "none", "PEM certificate chain file: the HTTP port serves HTTPS with HTTP/2 (ALPN h2,"
            + " HTTP/1.1 fallback); with tlsKey"),
    TLS_KEY("tlsKey", "none", "PEM private key file (PKCS#8) of tlsCertificate"),
    HLS_PART_TARGET_MS("hlsPartTargetMillis", "200", "LL-HLS PART-TARGET in ms (100..2000, below TARGETDURATION 4 s);"
            + " each stream rounds it up to whole frames"),
    CAMERAS("cameras", "[]", "cameras created at start-up, each like a POST /api/v1/cameras body (YAML only)");

    private final String yamlKey;
    private final String defaultText;
    private final String meaning;

    ConfigKey(String yamlKey, String defaultText, String meaning) {
        this.yamlKey = yamlKey;
        this.defaultText = defaultText;
        this.meaning = meaning;
    }

    public String yamlKey() {
        return yamlKey;
    }

    /** The environment variable, e.g. {@code RELAY_HTTP_PORT}; null for {@link #CAMERAS} (a list: YAML only). */
    public String envVar() {
        return this == CAMERAS ? null : "RELAY_" + name();
    }

    public String defaultText() {
        return defaultText;
    }

    public String meaning() {
        return meaning;
    }

    /** How errors name the key: {@code httpPort (RELAY_HTTP_PORT)}. */
    public String label() {
        return envVar() == null ? yamlKey : yamlKey + " (" + envVar() + ")";
    }
}
