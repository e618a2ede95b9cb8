package dev.camrelay.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every way a viewer token can be wrong is refused with its own reason; a right one is accepted. */
class TokenServiceTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final String AUD = "camrelay";
    private static final String ISS = "camrelay";
    private static final String IDP = "https://idp.example";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final RevocationList revocations = new RevocationList();
    private final TokenService tokens = new TokenService(SECRET, AUD, ISS, clock, revocations);

    @Test
    void issuedTokenIsAcceptedForItsCameraWithItsClaims() {
        IssuedToken t = tokens.issue("user-1", "front-door", Duration.ofMinutes(10));

        TokenCheck check = tokens.check(t.token(), "front-door");

        assertThat(check.isAccepted()).isTrue();
        assertThat(check.claims().subject()).isEqualTo("user-1");
        assertThat(check.claims().cameraId()).isEqualTo("front-door");
        assertThat(check.claims().jti()).isEqualTo(t.jti());
        assertThat(check.claims().expiresAt()).isEqualTo(Instant.parse("2026-11-24T10:10:00Z"));
        assertThat(Base64.getUrlDecoder().decode(t.jti())).hasSize(16);
    }

    @Test
    void missingTokenIsRefusedAsMissing() {
        assertThat(reason(null)).isEqualTo(TokenRejection.MISSING);
        assertThat(reason("")).isEqualTo(TokenRejection.MISSING);
        assertThat(reason("   ")).isEqualTo(TokenRejection.MISSING);
    }

    @Test
    void garbageIsRefusedAsMalformed() {
        assertThat(reason("not-a-jwt")).isEqualTo(TokenRejection.MALFORMED);
        assertThat(reason("a.b.c")).isEqualTo(TokenRejection.MALFORMED);
        assertThat(reason("x".repeat(TokenService.MAX_TOKEN_LENGTH + 1))).isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void tokenWithoutCameraClaimIsRefusedAsMalformed() throws Exception {
        String t = sign(new MACSigner(SECRET), JWSAlgorithm.HS256, c -> new JWTClaimsSet.Builder(c.build())
                .claim(TokenService.CAMERA_CLAIM, null));
        assertThat(reason(t)).isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefusedAsBadSignature() throws Exception {
        String t = sign(new MACSigner("another-secret-another-secret-xx".getBytes(StandardCharsets.UTF_8)),
                JWSAlgorithm.HS256, c -> c);
        assertThat(reason(t)).isEqualTo(TokenRejection.BAD_SIGNATURE);
    }

    @Test
    void tamperedClaimsAreRefusedAsBadSignature() {
        String[] parts = tokens.issue("v", "other-cam", Duration.ofMinutes(1)).token().split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("other-cam", "front-door");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(reason(forged)).isEqualTo(TokenRejection.BAD_SIGNATURE);
    }

    @Test
    void sameSecretWithAnotherAlgorithmIsRefused() throws Exception {
        String t = sign(new MACSigner("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                .getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS512, c -> c);
        assertThat(reason(t)).isEqualTo(TokenRejection.BAD_SIGNATURE);
    }

    @Test
    void unsignedAlgNoneTokenIsRefusedAsUnsigned() {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String claims = b64("{\"iss\":\"camrelay\",\"aud\":\"camrelay\",\"sub\":\"v\",\"cam\":\"front-door\","
                + "\"exp\":" + (clock.instant().getEpochSecond() + 600) + ",\"jti\":\"j\"}");
        assertThat(reason(header + "." + claims + ".")).isEqualTo(TokenRejection.ALG_NONE);
    }

    @Test
    void expiredTokenIsRefusedAsExpired() {
        IssuedToken t = tokens.issue("v", "front-door", Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        assertThat(reason(t.token())).isEqualTo(TokenRejection.EXPIRED);
    }

    @Test
    void tokenValidOnlyLaterIsRefusedAsNotYetValid() throws Exception {
        String t = sign(new MACSigner(SECRET), JWSAlgorithm.HS256, c -> c
                .notBeforeTime(Date.from(clock.instant().plusSeconds(60))));
        assertThat(reason(t)).isEqualTo(TokenRejection.NOT_YET_VALID);
    }

    @Test
    void tokenForAnotherAudienceIsRefusedAsWrongAudience() throws Exception {
        String t = sign(new MACSigner(SECRET), JWSAlgorithm.HS256, c -> c.audience("some-other-service"));
        assertThat(reason(t)).isEqualTo(TokenRejection.WRONG_AUDIENCE);
    }

    @Test
    void tokenForAnotherCameraIsRefusedAsOtherCamera() {
        IssuedToken t = tokens.issue("v", "back-yard", Duration.ofMinutes(1));
        assertThat(reason(t.token())).isEqualTo(TokenRejection.OTHER_CAMERA);
        assertThat(TokenRejection.OTHER_CAMERA.httpStatus()).isEqualTo(403);
    }

    @Test
    void revokedTokenIsRefusedAsRevoked() {
        IssuedToken t = tokens.issue("v", "front-door", Duration.ofMinutes(1));
        revocations.revoke(t.jti(), t.expiresAt());
        assertThat(reason(t.token())).isEqualTo(TokenRejection.REVOKED);
    }

    @Test
    void tokenOfAnUnknownIssuerIsRefused() throws Exception {
        String t = sign(new MACSigner(SECRET), JWSAlgorithm.HS256, c -> c.issuer("mallory"));
        assertThat(reason(t)).isEqualTo(TokenRejection.UNKNOWN_ISSUER);
    }

    @Test
    void externalIssuerTokenIsAcceptedWhenItsJwksKeyVerifiesIt() throws Exception {
        ECKey idpKey = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        ECKey strangerKey = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        tokens.addExternalIssuer(IDP, new ImmutableJWKSet<>(new JWKSet(idpKey.toPublicJWK())));

        String good = sign(new ECDSASigner(idpKey), JWSAlgorithm.ES256, c -> c.issuer(IDP), "idp-1");
        String forged = sign(new ECDSASigner(strangerKey), JWSAlgorithm.ES256, c -> c.issuer(IDP), "idp-1");
        String symmetric = sign(new MACSigner(SECRET), JWSAlgorithm.HS256, c -> c.issuer(IDP));

        assertThat(tokens.check(good, "front-door").isAccepted()).isTrue();
        assertThat(reason(forged)).isEqualTo(TokenRejection.BAD_SIGNATURE);
        assertThat(reason(symmetric)).isEqualTo(TokenRejection.BAD_SIGNATURE);
    }

    @Test
    void everyRejectionReasonHasAStatusCodeAndMessage() {
        for (TokenRejection r : TokenRejection.values()) {
            assertThat(r.httpStatus()).isIn(401, 403);
            assertThat(r.code()).startsWith("token_");
            assertThat(r.message()).isNotBlank();
        }
    }

    private TokenRejection reason(String token) {
        TokenCheck check = tokens.check(token, "front-door");
        assertThat(check.isAccepted()).as("token should be refused").isFalse();
        return check.rejection();
    }

    private String sign(JWSSigner signer, JWSAlgorithm alg, UnaryOperator<JWTClaimsSet.Builder> edit)
            throws Exception {
        return sign(signer, alg, edit, null);
    }

    /** A token that is right in every way except what {@code edit} changes. */
    private String sign(JWSSigner signer, JWSAlgorithm alg, UnaryOperator<JWTClaimsSet.Builder> edit, String kid)
            throws Exception {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISS).audience(AUD).subject("v")
                .claim(TokenService.CAMERA_CLAIM, "front-door").notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600))).jwtID("jti-" + now.toEpochMilli());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(),
                edit.apply(claims).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
