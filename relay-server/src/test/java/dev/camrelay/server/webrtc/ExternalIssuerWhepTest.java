package dev.camrelay.server.webrtc;

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
import dev.camrelay.core.session.Protocol;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.server.Relay;
import dev.camrelay.server.config.RelayConfigLoader;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A token from an external issuer (JWKS) comes without a relay session: WHEP creates a webrtc viewer session for its
 * {@code jti}, plays through it, and revoking that session stops the media.
 */
@Timeout(60)
class ExternalIssuerWhepTest {

    private static final String ISSUER = "https://idp.test";

    @Test
    void anExternalIssuersTokenPlaysThroughAViewerSessionCreatedForIt() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
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
                "RELAY_HTTP_PORT", "0", "RELAY_WEBRTC_PORT", "0", "RELAY_BIND", "127.0.0.1",
                "RELAY_JWKS_URL", jwksUrl, "RELAY_JWKS_ISSUER", ISSUER)));
             WhepTestClient client = new WhepTestClient()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!relay.isReady() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String jti = "ext-" + System.nanoTime();
            String base = "http://127.0.0.1:" + relay.ports().http();

            assertThat(client.post(base, "demo", token(key, jti)).statusCode()).isEqualTo(201);
            ViewerSession session = relay.sessions().findByJti(jti).orElseThrow();
            assertThat(session.protocol()).isEqualTo(Protocol.WEBRTC);
            assertThat(session.cameraId()).isEqualTo("demo");
            assertThat(session.viewer()).isEqualTo("viewer-9");
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            client.receiveFor(Duration.ofSeconds(2));
            assertThat(client.media.framesByTag).containsOnlyKeys("DEMO");
            assertThat(client.media.frames).isGreaterThanOrEqualTo(30);

            relay.sessions().revoke(session.id());
            client.receiveFor(Duration.ofSeconds(2));
            assertThat(client.receiveFor(Duration.ofSeconds(1))).as("packets after revocation").isZero();
        } finally {
            idp.stop(0);
        }
    }

    private static String token(ECKey signer, String jti) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID("k1").build(), new JWTClaimsSet.Builder().issuer(ISSUER).audience(Relay.TOKEN_AUDIENCE)
                .subject("viewer-9").claim("cam", "demo").notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300))).jwtID(jti).build());
        jwt.sign(new ECDSASigner(signer));
        return jwt.serialize();
    }
}
