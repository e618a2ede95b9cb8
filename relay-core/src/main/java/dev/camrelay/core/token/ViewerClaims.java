package dev.camrelay.core.token;

import java.time.Instant;

/**
 * The claims of a token that passed every check.
 *
 * @param issuer    {@code iss}
 * @param subject   the viewer ({@code sub})
 * @param cameraId  the one camera ({@code cam})
 * @param jti       the token id
 * @param expiresAt {@code exp}
 */
public record ViewerClaims(String issuer, String subject, String cameraId, String jti, Instant expiresAt) {
}
