package dev.camrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.camrelay.core.token.IssuedToken;
import dev.camrelay.core.token.RevocationList;
import dev.camrelay.core.token.TokenRejection;
import dev.camrelay.core.token.TokenService;
import dev.camrelay.server.metrics.TokenRejectionCounts;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewerAuthTest {

    private final TokenService tokens = new TokenService(TokenService.randomSecret(), "camrelay", "camrelay",
            Clock.systemUTC(), new RevocationList());
    private final TokenRejectionCounts counts = new TokenRejectionCounts();
    private final ViewerAuth auth = new ViewerAuth(tokens, counts);
    private final IssuedToken token = tokens.issue("v", "porch", Duration.ofMinutes(5));

    private static Request request(List<String> authorization, List<String> tokenParams) {
        HttpHeaders headers = new DefaultHttpHeaders();
        authorization.forEach(a -> headers.add("Authorization", a));
        return new Request("GET", "/x", Map.of(), tokenParams.isEmpty() ? Map.of() : Map.of("token", tokenParams),
                headers, new byte[0]);
    }

    @Test
    void aTokenIsTakenFromTheHeaderOrFromTheQuery() {
        assertThat(auth.require(request(List.of("Bearer " + token.token()), List.of()), "porch").jti())
                .isEqualTo(token.jti());
        assertThat(auth.require(request(List.of(), List.of(token.token())), "porch").jti()).isEqualTo(token.jti());
    }

    @Test
    void refusalsAreCountedByReasonWithTheirStatusAndChallenge() {
        HttpError missing = refused(request(List.of(), List.of()), "porch");
        HttpError other = refused(request(List.of("Bearer " + token.token()), List.of()), "garage");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.code()).isEqualTo("token_missing");
        assertThat(missing.headers()).containsKey("WWW-Authenticate");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.headers().get("WWW-Authenticate")).contains("insufficient_scope");
        assertThat(counts.total(TokenRejection.MISSING)).isEqualTo(1);
        assertThat(counts.total(TokenRejection.OTHER_CAMERA)).isEqualTo(1);
    }

    @Test
    void twoCredentialsOrAnotherSchemeAreMalformed() {
        String t = token.token();
        assertThat(refused(request(List.of("Bearer " + t), List.of(t)), "porch").code()).isEqualTo("token_malformed");
        assertThat(refused(request(List.of("Bearer " + t, "Bearer " + t), List.of()), "porch").code())
                .isEqualTo("token_malformed");
        assertThat(refused(request(List.of("Basic dXNlcjpwdw=="), List.of()), "porch").code())
                .isEqualTo("token_malformed");
        assertThat(counts.total(TokenRejection.MALFORMED)).isEqualTo(3);
    }

    private HttpError refused(Request r, String camera) {
        HttpError e = catchThrowableOfType(HttpError.class, () -> auth.require(r, camera));
        assertThat(e).as("request should be refused").isNotNull();
        return e;
    }
}
