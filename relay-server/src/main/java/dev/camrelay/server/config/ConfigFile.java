package dev.camrelay.server.config;

import java.util.List;

/**
 * The YAML file as written: every key optional (null when absent). Bound by Jackson with unknown properties
 * rejected, so a misspelt key is an error that names it instead of a silently ignored setting.
 */
record ConfigFile(
        Integer httpPort,
        Integer rtspPort,
        Integer webrtcPort,
        String bind,
        String adminKey,
        String tokenSecret,
        String jwksUrl,
        String jwksIssuer,
        Boolean demo,
        String publicUrl,
        Integer streamBufferBytes,
        Integer maxSessionsPerCamera,
        Integer maxCameras,
        Integer sessionTtlSeconds,
        Integer maxSessionTtlSeconds,
        List<String> corsOrigins,
        String logLevel,
        String tlsCertificate,
        String tlsKey,
        Integer hlsPartTargetMillis,
        List<CameraSpec> cameras) {

    static ConfigFile empty() {
        return new ConfigFile(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
    }
}
