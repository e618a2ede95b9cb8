package dev.camrelay.server.http;

import java.util.Map;

/**
 * A request cannot be served; becomes the JSON error response {@code {"error": code, "message": message}} with
 * {@link #status()} (contract.md, Errors). Handlers throw it; the dispatcher renders it.
 */
public final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    public HttpError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public HttpError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public static HttpError badRequest(String code, String message) {
        return new HttpError(400, code, message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, "not_found", message);
    }

    public static HttpError conflict(String code, String message) {
        return new HttpError(409, code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Extra response headers, e.g. {@code Retry-After} or {@code Allow}. */
    public Map<String, String> headers() {
        return headers;
    }
}
