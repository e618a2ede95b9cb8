package dev.camrelay.server.api;

import java.net.URI;

/**
 * The URLs the relay hands out, all built from one public base URL (config {@code publicUrl}, or the host and
 * bound HTTP port) so that what is printed, returned and served always agree.
 *
 * @param publicUrl base URL without trailing slash, e.g. {@code http://192.168.1.10:8080}
 * @param rtspPort  the RTSP port cameras push to
 */
public record RelayLinks(String publicUrl, int rtspPort) {

    public RelayLinks {
        publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** The multivariant playlist; the token rides in the query for players that cannot set headers. */
    public String hlsUrl(String cameraId, String token) {
        return publicUrl + "/hls/" + cameraId + "/index.m3u8?token=" + token;
    }

    public String whepUrl(String cameraId) {
        return publicUrl + "/whep/" + cameraId;
    }

    public String dashboardUrl() {
        return publicUrl + "/dashboard";
    }

    public String playUrl(String cameraId) {
        return publicUrl + "/play/" + cameraId;
    }

    /** Where push cameras publish: {@code rtsp://<public host>:<rtspPort>}. */
    public String rtspBase() {
        return "rtsp://" + URI.create(publicUrl).getHost() + ":" + rtspPort;
    }

    /** The relay's own browser origin (scheme, host, port), for the default CORS policy. */
    public String origin() {
        URI uri = URI.create(publicUrl);
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
