package dev.camrelay.server.http;

import dev.camrelay.core.token.TokenCheck;
import dev.camrelay.core.token.TokenRejection;
import dev.camrelay.core.token.TokenService;
import dev.camrelay.core.token.ViewerClaims;
import dev.camrelay.server.metrics.TokenRejectionCounts;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.List;
import java.util.Map;

/**
 * Checks the viewer token of a request for one camera: from {@code Authorization: Bearer <token>}, or from
 * {@code ?token=} for devices that cannot set headers (contract.md, LL-HLS). Every refusal is counted by reason and
 * answered as RFC 6750 section 3 asks ({@code WWW-Authenticate: Bearer error="invalid_token"}), with the JSON body
 * of contract.md.
 *
 * <p>Threading: stateless apart from the thread-safe counters; called concurrently by every request handler.
 */
public final class ViewerAuth {

    private static final String BEARER = "Bearer ";
    private static final String TOKEN_PARAM = "token";
    /** Marks credentials that are there but unusable (two of them, or another scheme than Bearer). */
    private static final String MALFORMED_CREDENTIALS = new String("malformed");

    private final TokenService tokens;
    private final TokenRejectionCounts rejections;

    public ViewerAuth(TokenService tokens, TokenRejectionCounts rejections) {
        this.tokens = tokens;
        this.rejections = rejections;
    }

    /**
     * @return the token's claims when it is valid for {@code cameraId}
     * @throws HttpError 401 or 403 with the rejection's code when it is not
     */
    public ViewerClaims require(Request request, String cameraId) {
        String token = token(request);
        if (token == MALFORMED_CREDENTIALS) {
            throw refuse(TokenRejection.MALFORMED);
        }
        TokenCheck check = tokens.check(token, cameraId);
        if (check.isAccepted()) {
            return check.claims();
        }
        throw refuse(check.rejection());
    }

    /** Counts {@code reason} and makes its JSON error. */
    public HttpError refuse(TokenRejection reason) {
        rejections.count(reason);
        String challenge = reason == TokenRejection.MISSING ? "Bearer realm=\"camrelay\""
                : "Bearer realm=\"camrelay\", error=\"" + (reason.httpStatus() == 403 ? "insufficient_scope"
                        : "invalid_token") + "\"";
        return new HttpError(reason.httpStatus(), reason.code(), reason.message(),
                Map.of("WWW-Authenticate", challenge));
    }

    /**
     * The one token of the request; null when there is none; {@link #MALFORMED_CREDENTIALS} when two credentials
     * (two headers, two parameters, or a header and a parameter) or another scheme than Bearer were sent: which one
     * would count is an ambiguity to refuse, not to guess.
     */
    private static String token(Request request) {
        List<String> headers = request.headers().getAll(HttpHeaderNames.AUTHORIZATION);
        List<String> params = request.query().getOrDefault(TOKEN_PARAM, List.of());
        if (headers.size() + params.size() > 1) {
            return MALFORMED_CREDENTIALS;
        }
        if (params.size() == 1) {
            return params.get(0);
        }
        if (headers.isEmpty()) {
            return null;
        }
        String header = headers.get(0);
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return MALFORMED_CREDENTIALS;
        }
        return header.substring(BEARER.length()).strip();
    }
}
