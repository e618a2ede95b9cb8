package dev.camrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouterTest {

    private final RouteHandler ok = r -> Response.noContent();
    private final Router router = new Router()
            .add("GET", "/api/v1/cameras", ok)
            .add("POST", "/api/v1/cameras", ok)
            .add("GET", "/api/v1/cameras/{id}", ok)
            .add("DELETE", "/api/v1/cameras/{id}", ok)
            .add("POST", "/api/v1/cameras/{id}/sessions", ok);

    @Test
    void placeholdersCaptureOneDecodedSegment() {
        Router.Match m = router.route("GET", "/api/v1/cameras/front%20door");

        assertThat(m).isInstanceOf(Router.Found.class);
        assertThat(((Router.Found) m).params()).containsEntry("id", "front door");
    }

    @Test
    void anEncodedSlashNeverCreatesASegment() {
        Router.Match m = router.route("POST", "/api/v1/cameras/a%2Fb/sessions");

        assertThat(((Router.Found) m).params()).containsEntry("id", "a/b");
        assertThat(router.route("GET", "/api/v1/cameras/a%2Fb")).isInstanceOf(Router.Found.class);
    }

    @Test
    void aKnownPathWithAnotherMethodListsTheAllowedOnes() {
        Router.Match m = router.route("PUT", "/api/v1/cameras/x");

        assertThat(m).isInstanceOf(Router.WrongMethod.class);
        assertThat(((Router.WrongMethod) m).allowed()).containsExactly("GET", "DELETE");
    }

    @Test
    void unknownPathsHaveNoRoute() {
        assertThat(router.route("GET", "/api/v2/cameras")).isInstanceOf(Router.NoRoute.class);
        assertThat(router.route("GET", "/" + "a/".repeat(100))).isInstanceOf(Router.NoRoute.class);
    }

    @Test
    void aBadEscapeIsABadRequest() {
        assertThatThrownBy(() -> router.route("GET", "/api/v1/cameras/%zz"))
                .isInstanceOf(HttpError.class)
                .satisfies(e -> assertThat(((HttpError) e).status()).isEqualTo(400));
    }
}
