package io.mpp.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.MppServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An mpp behind mpp: the inner one's route cookie, of the same name, would replace the outer one's in the client,
 * so the outer drops it; with a name of its own, both pass.
 */
class InnerRouteCookieTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String OK =
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"2\"]}}";

    @TempDir
    Path dir;

    private HttpResponse<String> queryThroughMpp(PrometheusStub inner, String cookieName) throws Exception {
        Path endpoints = Files.writeString(dir.resolve("endpoints"), inner.url() + "\n");
        try (MppServer mpp = MppServer.start(
                ConfigOverride.config("locators[0].path", endpoints.toString()),
                ConfigOverride.config("affinity.options", "cookies"),
                ConfigOverride.config("affinity.cookieName", cookieName))) {
            return HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/query?query=1%2B1"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void theInnerRouteCookieOfTheSameNameIsDroppedAndOtherCookiesPass() throws Exception {
        try (PrometheusStub inner = new PrometheusStub(10)) {
            inner.answerRequests(aResponse().withStatus(200).withBody(OK)
                    .withHeader("Set-Cookie", "MPP.Route=aW5uZXI.c2ln; Path=/; HttpOnly; SameSite=Lax",
                            "session=abc; Path=/"));

            HttpResponse<String> sameName = queryThroughMpp(inner, "");
            assertThat(sameName.statusCode()).isEqualTo(200);
            assertThat(sameName.headers().allValues("Set-Cookie")).containsExactly("session=abc; Path=/");

            HttpResponse<String> ownName = queryThroughMpp(inner, "MPP.Route.outer");
            assertThat(ownName.headers().allValues("Set-Cookie")).containsExactlyInAnyOrder(
                    "MPP.Route=aW5uZXI.c2ln; Path=/; HttpOnly; SameSite=Lax", "session=abc; Path=/");
        }
    }
}
