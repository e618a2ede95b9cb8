package dev.camrelay.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Method + path pattern to handler. Patterns are literal segments and {@code {name}} placeholders, e.g.
 * {@code /api/v1/cameras/{id}/sessions}; a placeholder matches exactly one non-empty segment, URL-decoded after the
 * path is split, so an encoded {@code %2F} can never create a segment.
 *
 * <p>Threading: build on one thread before the server starts; then read-only and safe for any thread.
 */
public final class Router {

    /** Path segments a request may have; longer paths are no route of ours and are refused before any work. */
    public static final int MAX_SEGMENTS = 16;

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String pattern, RouteHandler handler) {
        routes.add(Route.of(method, split(pattern), handler));
        return this;
    }

    /** Result of routing one request. */
    public sealed interface Match {
    }

    /** @param params the placeholders' values */
    public record Found(RouteHandler handler, Map<String, String> params) implements Match {
    }

    /** @param allowed the methods this path does have (for {@code Allow} and CORS preflight) */
    public record WrongMethod(Set<String> allowed) implements Match {
    }

    /** No route has this path. */
    public record NoRoute() implements Match {
    }

    /** @throws HttpError 400 when a segment has a bad percent-escape */
    public Match route(String method, String rawPath) {
        List<String> segments = split(rawPath);
        if (segments.size() > MAX_SEGMENTS) {
            return new NoRoute();
        }
        Set<String> allowed = null; // made only for a path whose method is wrong: routing allocates little per request
        for (Route route : routes) {
            if (!route.matches(segments)) {
                continue;
            }
            if (route.method.equals(method)) {
                return new Found(route.handler, route.params(segments));
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(route.method);
        }
        return allowed == null ? new NoRoute() : new WrongMethod(allowed);
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/", -1)) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * @param literals each segment's literal text, or null where the pattern has a placeholder
     * @param names    each placeholder's name, or null where the pattern has a literal
     */
    private record Route(String method, String[] literals, String[] names, RouteHandler handler) {

        static Route of(String method, List<String> pattern, RouteHandler handler) {
            String[] literals = new String[pattern.size()];
            String[] names = new String[pattern.size()];
            for (int i = 0; i < pattern.size(); i++) {
                String p = pattern.get(i);
                if (p.startsWith("{") && p.endsWith("}")) {
                    names[i] = p.substring(1, p.length() - 1);
                } else {
                    literals[i] = p;
                }
            }
            return new Route(method, literals, names, handler);
        }

        boolean matches(List<String> segments) {
            if (segments.size() != literals.length) {
                return false;
            }
            for (int i = 0; i < literals.length; i++) {
                if (literals[i] != null && !literals[i].equals(segments.get(i))) {
                    return false;
                }
            }
            return true;
        }

        /** The placeholders' values, URL-decoded, of a path that {@link #matches}. */
        Map<String, String> params(List<String> segments) {
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                if (names[i] != null) {
                    params.put(names[i], decode(segments.get(i)));
                }
            }
            return params;
        }

        private static String decode(String segment) {
            try {
                return QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("bad_path", "path segment '" + segment + "' is not validly URL-encoded");
            }
        }
    }
}
