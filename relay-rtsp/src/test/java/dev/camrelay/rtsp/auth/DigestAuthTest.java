package dev.camrelay.rtsp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DigestAuthTest {

    @Test
    void rfc2617ExampleResponseIsReproduced() {
        // RFC 2617 §3.5: Mufasa / "Circle Of Life", qop=auth, nc=00000001, cnonce=0a4f113b.
        AuthChallenge c = AuthChallenge.preferred(AuthChallenge.parseAll(List.of(
                "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                        + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                        + "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"")));
        String header = DigestAuth.authorization(c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1,
                "0a4f113b");
        assertThat(header).contains("response=\"6629fae49393a05397450978507c4ef1\"")
                .contains("qop=auth, nc=00000001, cnonce=\"0a4f113b\"")
                .contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
        assertThat(DigestAuth.verify(header, "GET", "testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                "Mufasa", "Circle Of Life")).isTrue();
        assertThat(DigestAuth.verify(header, "GET", "testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                "Mufasa", "wrong")).isFalse();
    }

    @Test
    void digestIsPreferredToBasicAndSha256ToMd5FromSeveralHeaders() {
        List<AuthChallenge> all = AuthChallenge.parseAll(List.of(
                "Basic realm=\"cam\"",
                "Digest realm=\"cam\", nonce=\"abc\"",
                "Digest realm=\"cam\", nonce=\"def\", algorithm=SHA-256, stale=TRUE",
                "Negotiate xyz"));
        assertThat(all).hasSize(3);
        AuthChallenge best = AuthChallenge.preferred(all);
        assertThat(best.algorithm()).isEqualTo("SHA-256");
        assertThat(best.nonce()).isEqualTo("def");
        assertThat(best.stale()).isTrue();
        assertThat(AuthChallenge.preferred(all.subList(0, 2)).scheme()).isEqualTo("digest");
    }

    @Test
    void noQopDigestAndBasicRoundTrip() {
        AuthChallenge digest = AuthChallenge.parseAll(List.of(DigestAuth.challenge("IP Camera", "n0nce"))).get(0);
        String uri = "rtsp://192.168.1.64:554/Streaming/Channels/101";
        String header = DigestAuth.authorization(digest, "admin", "pa:ss", "DESCRIBE", uri, 1, "x");
        assertThat(header).doesNotContain("qop");
        assertThat(DigestAuth.verify(header, "DESCRIBE", "IP Camera", "n0nce", "admin", "pa:ss")).isTrue();
        assertThat(DigestAuth.verify(header, "SETUP", "IP Camera", "n0nce", "admin", "pa:ss")).isFalse();
        assertThat(DigestAuth.verify(header, "DESCRIBE", "IP Camera", "other", "admin", "pa:ss")).isFalse();

        AuthChallenge basic = AuthChallenge.parseAll(List.of("Basic realm=\"x\"")).get(0);
        String b = DigestAuth.authorization(basic, "admin", "secret", "DESCRIBE", uri, 1, "");
        assertThat(b).isEqualTo("Basic YWRtaW46c2VjcmV0");
        assertThat(DigestAuth.verify(b, "DESCRIBE", "x", "", "admin", "secret")).isTrue();
        assertThat(DigestAuth.verify(b, "DESCRIBE", "x", "", "admin", "nope")).isFalse();
        assertThat(DigestAuth.verify(null, "DESCRIBE", "x", "", "admin", "secret")).isFalse();
    }
}
