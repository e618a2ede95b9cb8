package dev.camrelay.core.token;

/**
 * Why a viewer token was refused. Each reason is distinct so that operators (metrics label
 * {@code relay_token_rejections_total{reason=...}}) and tests can tell them apart; the HTTP status follows RFC 6750
 * section 3.1: a token that is not valid at all is 401 {@code invalid_token}, a valid token for something else is 403.
 */
public enum TokenRejection {
    MISSING(401, "token_missing", "no token: send Authorization: Bearer <token> or ?token=<token>"),
    MALFORMED(401, "token_malformed", "the token is not a well-formed signed JWT with sub, cam, exp and jti"),
    BAD_SIGNATURE(401, "token_bad_signature", "the token's signature does not verify"),
    ALG_NONE(401, "token_unsigned", "unsigned tokens (alg=none) are never accepted"),
    UNKNOWN_ISSUER(401, "token_unknown_issuer", "the token's issuer is neither this relay nor a JWKS issuer"),
    EXPIRED(401, "token_expired", "the token has expired: ask for a new session"),
    NOT_YET_VALID(401, "token_not_yet_valid", "the token is not valid yet (nbf in the future)"),
    WRONG_AUDIENCE(401, "token_wrong_audience", "the token was issued for another service (aud)"),
    OTHER_CAMERA(403, "token_other_camera", "the token is valid for another camera only"),
    REVOKED(403, "token_revoked", "the token's session was revoked");

    private final int httpStatus;
    private final String code;
    private final String message;

    TokenRejection(int httpStatus, String code, String message) {
        this.httpStatus = httpStatus;
        this.code = code;
        this.message = message;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The {@code error} field of the JSON error body. */
    public String code() {
        return code;
    }

    /** The {@code message} field of the JSON error body: what went wrong and what to do. */
    public String message() {
        return message;
    }
}
