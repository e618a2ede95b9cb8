package dev.camrelay.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.Key;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and checks viewer tokens (contract.md, Viewer sessions): JWTs with {@code aud}, {@code sub}, {@code cam}
 * (exactly one camera), {@code exp}, {@code nbf} and {@code jti}, signed HS256 with the relay's secret, or signed by
 * an external issuer whose keys come from its JWKS. JOSE parsing, signing and verification are nimbus-jose-jwt's;
 * this class only decides which key may verify what, and which claims must hold.
 *
 * <p>Threading: thread-safe; {@link #check} is called concurrently for every request on every protocol.
 */
public final class TokenService {

    /** RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output (32 bytes). */
    public static final int MIN_SECRET_BYTES = 32;
    /** Longest token accepted; anything longer is refused before parsing (a JWT here is a few hundred bytes). */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    /** Clock skew tolerated on {@code nbf} only (an issuer's clock slightly ahead); {@code exp} is strict. */
    public static final Duration NOT_BEFORE_SKEW = Duration.ofSeconds(5);
    /** The private claim naming the one camera a token is valid for. */
    public static final String CAMERA_CLAIM = "cam";
    /** Signature algorithms accepted from external issuers (asymmetric only: their keys come from a JWKS). */
    public static final Set<JWSAlgorithm> EXTERNAL_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.EdDSA);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final String audience;
    private final String issuer;
    private final Clock clock;
    private final RevocationList revocations;
    private final Map<String, JWSVerificationKeySelector<SecurityContext>> externalIssuers = new ConcurrentHashMap<>();
    private final DefaultJWSVerifierFactory verifierFactory = new DefaultJWSVerifierFactory();

    public TokenService(byte[] secret, String audience, String issuer, Clock clock, RevocationList revocations) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("token secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        try {
            this.signer = new MACSigner(secret);
            this.verifier = new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable token secret: " + e.getMessage(), e);
        }
        this.audience = audience;
        this.issuer = issuer;
        this.clock = clock;
        this.revocations = revocations;
    }

    /** A fresh random HS256 secret, for a relay started without a configured one. */
    public static byte[] randomSecret() {
        byte[] secret = new byte[MIN_SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return secret;
    }

    /** A 128-bit random token id, base64url. */
    static String randomJti() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    /**
     * Trusts tokens whose {@code iss} is {@code externalIssuer} when they verify with a key from {@code keys}
     * (e.g. nimbus' {@code JWKSourceBuilder} over the issuer's JWKS URL, which caches and refreshes it).
     */
    public void addExternalIssuer(String externalIssuer, JWKSource<SecurityContext> keys) {
        if (externalIssuer.equals(issuer)) {
            throw new IllegalArgumentException("an external issuer cannot use the relay's own name: " + issuer);
        }
        externalIssuers.put(externalIssuer, new JWSVerificationKeySelector<>(EXTERNAL_ALGORITHMS, keys));
    }

    /** Signs a token for {@code viewer} to watch {@code cameraId} for {@code ttl}. */
    public IssuedToken issue(String viewer, String cameraId, Duration ttl) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String jti = randomJti();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(viewer)
                .claim(CAMERA_CLAIM, cameraId)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .jwtID(jti)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed", e);
        }
        return new IssuedToken(jwt.serialize(), jti, viewer, cameraId, expiresAt);
    }

    /**
     * Checks {@code token} for a request about {@code cameraId}. Order: form, signature (nothing in an unverified
     * token is trusted), then audience, time, camera and revocation.
     */
    public TokenCheck check(String token, String cameraId) {
        if (token == null || token.isBlank()) {
            return TokenCheck.rejected(TokenRejection.MISSING);
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return TokenCheck.rejected(TokenRejection.MALFORMED);
        }
        JWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = JWTParser.parse(token.strip());
            if (jwt instanceof PlainJWT) {
                return TokenCheck.rejected(TokenRejection.ALG_NONE);
            }
            if (!(jwt instanceof SignedJWT)) {
                return TokenCheck.rejected(TokenRejection.MALFORMED);
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            return TokenCheck.rejected(TokenRejection.MALFORMED);
        }
        SignedJWT signed = (SignedJWT) jwt;
        TokenRejection signature = verifySignature(signed, claims.getIssuer());
        if (signature != null) {
            return TokenCheck.rejected(signature);
        }
        return checkClaims(claims, cameraId);
    }

    private TokenRejection verifySignature(SignedJWT jwt, String tokenIssuer) {
        try {
            if (issuer.equals(tokenIssuer)) {
                if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
                    return TokenRejection.BAD_SIGNATURE;
                }
                return jwt.verify(verifier) ? null : TokenRejection.BAD_SIGNATURE;
            }
            JWSVerificationKeySelector<SecurityContext> selector =
                    tokenIssuer == null ? null : externalIssuers.get(tokenIssuer);
            if (selector == null) {
                return TokenRejection.UNKNOWN_ISSUER;
            }
            List<? extends Key> keys = selector.selectJWSKeys(jwt.getHeader(), null);
            for (Key key : keys) {
                JWSVerifier v = verifierFactory.createJWSVerifier(jwt.getHeader(), key);
                if (jwt.verify(v)) {
                    return null;
                }
            }
            return TokenRejection.BAD_SIGNATURE;
        } catch (JOSEException | RuntimeException e) {
            return TokenRejection.BAD_SIGNATURE;
        }
    }

    private TokenCheck checkClaims(JWTClaimsSet claims, String cameraId) {
        String subject = claims.getSubject();
        String jti = claims.getJWTID();
        Date exp = claims.getExpirationTime();
        Object cam = claims.getClaim(CAMERA_CLAIM);
        if (subject == null || jti == null || exp == null || !(cam instanceof String camera)) {
            return TokenCheck.rejected(TokenRejection.MALFORMED);
        }
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(audience)) {
            return TokenCheck.rejected(TokenRejection.WRONG_AUDIENCE);
        }
        Instant now = clock.instant();
        if (!exp.toInstant().isAfter(now)) {
            return TokenCheck.rejected(TokenRejection.EXPIRED);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(NOT_BEFORE_SKEW))) {
            return TokenCheck.rejected(TokenRejection.NOT_YET_VALID);
        }
        if (!camera.equals(cameraId)) {
            return TokenCheck.rejected(TokenRejection.OTHER_CAMERA);
        }
        if (revocations.isRevoked(jti)) {
            return TokenCheck.rejected(TokenRejection.REVOKED);
        }
        return TokenCheck.accepted(new ViewerClaims(claims.getIssuer(), subject, camera, jti, exp.toInstant()));
    }
}
