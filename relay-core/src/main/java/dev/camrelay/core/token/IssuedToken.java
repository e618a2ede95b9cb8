package dev.camrelay.core.token;

import java.time.Instant;

/**
 * A token the relay signed for one viewer and one camera.
 *
 * @param token     the compact JWT
 * @param jti       its id, the key of revocation
 * @param subject   the viewer ({@code sub})
 * @param cameraId  the one camera it is valid for ({@code cam})
 * @param expiresAt {@code exp}
 */
public record IssuedToken(String token, String jti, String subject, String cameraId, Instant expiresAt) {

    /** The compact JWT is a bearer secret: keep it out of logs. */
    @Override
    public String toString() {
        return "IssuedToken[jti=" + jti + ", sub=" + subject + ", cam=" + cameraId + ", exp=" + expiresAt + "]";
    }
}
