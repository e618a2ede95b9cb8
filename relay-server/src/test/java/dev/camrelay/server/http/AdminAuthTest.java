package dev.camrelay.server.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminAuthTest {

    private final AdminAuth auth = new AdminAuth("the-admin-key-0123");

    private static Request withAuthorization(String value) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (value != null) {
            h.set("Authorization", value);
        }
        return new Request("GET", "/", Map.of(), Map.of(), h, new byte[0]);
    }

    @Test
    void theRightKeyPasses() {
        assertThatCode(() -> auth.require(withAuthorization("Bearer the-admin-key-0123"))).doesNotThrowAnyException();
        assertThatCode(() -> auth.require(withAuthorization("bearer the-admin-key-0123"))).doesNotThrowAnyException();
    }

    @Test
    void missingMalformedOrWrongKeysAre401() {
        for (String header : new String[] {null, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer the-admin-key-012",
                "Bearer the-admin-key-01234"}) {
            assertThatThrownBy(() -> auth.require(withAuthorization(header)))
                    .isInstanceOf(HttpError.class)
                    .matches(e -> ((HttpError) e).status() == 401, "status 401");
        }
    }
}
