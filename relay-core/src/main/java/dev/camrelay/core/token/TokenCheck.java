package dev.camrelay.core.token;

import java.util.Objects;

/**
 * The outcome of checking a token for one camera: either its {@link ViewerClaims} or the {@link TokenRejection}.
 * A value, not an exception: a refused token is an expected event (counted, answered with a JSON 401/403).
 */
public final class TokenCheck {

    private final ViewerClaims claims;
    private final TokenRejection rejection;

    private TokenCheck(ViewerClaims claims, TokenRejection rejection) {
        this.claims = claims;
        this.rejection = rejection;
    }

    public static TokenCheck accepted(ViewerClaims claims) {
        return new TokenCheck(Objects.requireNonNull(claims), null);
    }

    public static TokenCheck rejected(TokenRejection reason) {
        return new TokenCheck(null, Objects.requireNonNull(reason));
    }

    public boolean isAccepted() {
        return claims != null;
    }

    /** The claims; only when {@link #isAccepted()}. */
    public ViewerClaims claims() {
        if (claims == null) {
            throw new IllegalStateException("token was rejected: " + rejection);
        }
        return claims;
    }

    /** The reason; only when not {@link #isAccepted()}. */
    public TokenRejection rejection() {
        if (rejection == null) {
            throw new IllegalStateException("token was accepted");
        }
        return rejection;
    }

    @Override
    public String toString() {
        return claims != null ? "TokenCheck[accepted " + claims + "]" : "TokenCheck[rejected " + rejection + "]";
    }
}
