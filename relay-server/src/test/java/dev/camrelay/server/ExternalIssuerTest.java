package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.camrelay.core.token.TokenRejection;
import dev.camrelay.server.config.RelayConfigLoader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A relay configured with an external issuer's JWKS URL accepts that issuer's tokens, fetched over real HTTP. */
@Timeout(60)
class ExternalIssuerTest {

    private static final String ISSUER = "https://idp.test";

    @Test
    void tokensOfTheConfiguredJwksIssuerAreAcceptedAndForgeriesAreNot() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        idp.start();
        String jwksUrl = "http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json";
        try (Relay relay = Relay.start(RelayConfigLoader.load(null, Map.of(
                "RELAY_HTTP_PORT", "0", "RELAY_BIND", "127.0.0.1", "RELAY_DEMO", "false",
                "RELAY_JWKS_URL", jwksUrl, "RELAY_JWKS_ISSUER", ISSUER)))) {

            assertThat(relay.tokens().check(token(key), "porch").isAccepted()).isTrue();
            assertThat(relay.tokens().check(token(stranger), "porch").rejection())
                    .isEqualTo(TokenRejection.BAD_SIGNATURE);
            assertThat(relay.tokens().check(token(key), "garage").rejection())
                    .isEqualTo(TokenRejection.OTHER_CAMERA);
        } finally {
            idp.stop(0);
        }
    }

    private static String token(ECKey signer) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID("k1").build(), new JWTClaimsSet.Builder().issuer(ISSUER).audience(Relay.TOKEN_AUDIENCE)
                .subject("viewer-9").claim("cam", "porch").notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300))).jwtID("ext-" + now.toEpochMilli()).build());
        jwt.sign(new ECDSASigner(signer));
        return jwt.serialize();
    }
}
