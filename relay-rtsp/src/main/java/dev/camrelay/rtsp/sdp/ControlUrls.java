package dev.camrelay.rtsp.sdp;

import java.net.URI;
import java.util.Locale;

/**
 * Threading: stateless; control plane.
 *
 * <p>Base and track URLs of an RTSP session (RFC 2326 §C.1.1; protocols.md 1.2, gortsplib {@code findBaseURL}). The
 * base is, in order: an absolute session-level {@code a=control}, then {@code Content-Base} (may be path-only,
 * with or without a trailing {@code /}), then the request URL. A track URL is the media control when absolute,
 * the base when the control is empty or {@code *}, otherwise base + {@code /} + control. Odd paths are kept as
 * they are (Reolink {@code //h264Preview_01_main}): nothing is normalised.
 */
public final class ControlUrls {

    private ControlUrls() {
    }

    /**
     * @param requestUrl     the DESCRIBE request URL
     * @param contentBase    the {@code Content-Base} header, or null/empty
     * @param sessionControl the session-level {@code a=control}, or null/empty
     */
    public static String base(String requestUrl, String contentBase, String sessionControl) {
        if (sessionControl != null && isAbsolute(sessionControl)) {
            return sessionControl;
        }
        if (contentBase != null && !contentBase.isBlank()) {
            String cb = contentBase.strip();
            if (isAbsolute(cb)) {
                return cb;
            }
            if (cb.startsWith("/")) {
                return schemeAndAuthority(requestUrl) + cb;
            }
        }
        return requestUrl;
    }

    /** The URL to SETUP a track with the given {@code a=control}. */
    public static String track(String base, String mediaControl) {
        if (mediaControl == null || mediaControl.isBlank() || mediaControl.equals("*")) {
            return base;
        }
        if (isAbsolute(mediaControl)) {
            return mediaControl;
        }
        if (base.endsWith("/") || mediaControl.startsWith("/")) {
            return base + mediaControl;
        }
        return base + "/" + mediaControl;
    }

    static boolean isAbsolute(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("rtsp://") || lower.startsWith("rtsps://") || lower.startsWith("rtspu://");
    }

    private static String schemeAndAuthority(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            return "";
        }
        int pathStart = url.indexOf('/', schemeEnd + 3);
        return pathStart < 0 ? url : url.substring(0, pathStart);
    }

    /** Request-URI without credentials (for Digest {@code uri} and logs). */
    public static String withoutCredentials(String url) {
        try {
            URI u = URI.create(url);
            if (u.getRawUserInfo() == null) {
                return url;
            }
            int at = url.indexOf('@', url.indexOf("://") + 3);
            return url.substring(0, url.indexOf("://") + 3) + url.substring(at + 1);
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
