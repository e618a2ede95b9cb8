package dev.camrelay.server.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may call the relay (contract.md: by default the relay's own origin and
 * {@code https://www.gstatic.com}, where Cast receivers run). Origins are compared exactly (scheme, host, port);
 * there is no wildcard, because tokens and admin keys travel in these requests.
 *
 * <p>Threading: immutable; thread-safe.
 */
public final class CorsPolicy {

    /** Google's Cast receiver and smart-display web apps load from here. */
    public static final String GSTATIC = "https://www.gstatic.com";
    /** How long a browser may cache a preflight answer. */
    public static final int PREFLIGHT_MAX_AGE_SECONDS = 600;
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, If-Match";
    /** WHEP clients read Location, ETag and Retry-After (contract.md, WebRTC). */
    private static final String EXPOSED_HEADERS = "Location, ETag, Retry-After, Link";

    private final Set<String> origins;

    public CorsPolicy(List<String> origins) {
        this.origins = origins.stream().map(CorsPolicy::normalise).collect(Collectors.toUnmodifiableSet());
    }

    public Set<String> origins() {
        return origins;
    }

    public boolean allows(String origin) {
        return origin != null && origins.contains(normalise(origin));
    }

    /** Headers for an actual (non-preflight) response to a request from {@code origin}; empty if not allowed. */
    public Map<String, String> responseHeaders(String origin) {
        if (!allows(origin)) {
            return Map.of();
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Access-Control-Allow-Origin", origin);
        h.put("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        h.put("Vary", "Origin");
        return h;
    }

    /** Headers answering a preflight for a path that has {@code methods}. */
    public Map<String, String> preflightHeaders(String origin, Set<String> methods) {
        Map<String, String> h = new LinkedHashMap<>(responseHeaders(origin));
        h.put("Access-Control-Allow-Methods", String.join(", ", methods) + ", OPTIONS");
        h.put("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        h.put("Access-Control-Max-Age", Integer.toString(PREFLIGHT_MAX_AGE_SECONDS));
        return h;
    }

    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
