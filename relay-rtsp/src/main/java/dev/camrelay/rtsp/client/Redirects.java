package dev.camrelay.rtsp.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Threading: stateless; control plane.
 *
 * <p>Where a 301-305 answer to DESCRIBE sends the client (RFC 2326 §7.1.1, §11.3, §12.25 {@code Location};
 * protocols.md 1.2): an absolute rtsp(s) URL, or a path resolved against the current URL. The credentials of the
 * original URL go with it unless the {@code Location} carries its own, and rtsps is never downgraded to rtsp.
 */
public final class Redirects {

    /** Redirects followed in a row before the attempt counts as failed (a loop between two servers). */
    public static final int MAX_REDIRECTS = 5;

    private Redirects() {
    }

    /** True for the statuses that redirect (RFC 2326 §7.1.1: 301, 302, 303, 305). */
    public static boolean isRedirect(int status) {
        return status >= 301 && status <= 305;
    }

    /** True if {@code location} would take an rtsps {@code current} to plain rtsp (which {@link #resolve} refuses). */
    public static boolean isDowngrade(String current, String location) {
        if (location == null) {
            return false;
        }
        String l = location.strip().toLowerCase(Locale.ROOT);
        return current.toLowerCase(Locale.ROOT).startsWith("rtsps:") && l.startsWith("rtsp:");
    }

    /**
     * @param current  the URL the DESCRIBE went to, with its credentials (raw user-info) if any
     * @param location the {@code Location} header value
     * @return the URL to connect to next, with credentials, or null when the location is unusable or would
     *         downgrade rtsps to rtsp
     */
    public static String resolve(String current, String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        try {
            URI base = new URI(current);
            URI target = base.resolve(new URI(location.strip()));
            String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("rtsp") || scheme.equals("rtsps")) || target.getHost() == null) {
                return null;
            }
            if ("rtsps".equalsIgnoreCase(base.getScheme()) && scheme.equals("rtsp")) {
                return null;
            }
            if (target.getRawUserInfo() != null || base.getRawUserInfo() == null) {
                return target.toString();
            }
            String s = target.toString();
            int authority = s.indexOf("://") + 3;
            return s.substring(0, authority) + base.getRawUserInfo() + "@" + s.substring(authority);
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
