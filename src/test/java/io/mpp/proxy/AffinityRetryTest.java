package io.mpp.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.proxy.affinity.RouteCookie;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a retry moves a pinned client's request to another backend, the client is pinned to that one. */
class AffinityRetryTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String KEY = "the-key-this-mpp-signs-its-cookies-with";
    private static final String OK = "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"2\"]}}";

    @TempDir
    Path dir;

    private static HttpResponse<String> query(MppServer mpp, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/query?query=1%2B1"))
                .timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theBackendARetryMovedTheRequestToIsPinned() throws Exception {
        try (PrometheusStub failing = new PrometheusStub(10); PrometheusStub good = new PrometheusStub(10)) {
            failing.answerRequests(aResponse().withStatus(200).withBody(OK));
            good.answerRequests(aResponse().withStatus(200).withBody(OK));
            Path endpoints = Files.writeString(dir.resolve("endpoints"), failing.url() + "\n" + good.url() + "\n");
            try (MppServer mpp = MppServer.start(
                    ConfigOverride.config("locators[0].path", endpoints.toString()),
                    ConfigOverride.config("selection.routingStrategy", "random"),
                    ConfigOverride.config("selection.interval", "1h"),
                    ConfigOverride.config("affinity.options", "cookies"),
                    ConfigOverride.config("affinity.key", KEY),
                    ConfigOverride.config("affinity.trustedProxies", ""))) {
                Set<String> seen = new HashSet<>();
                Await.until(Duration.ofSeconds(30), "both backends to serve", () -> {
                    seen.add(query(mpp, null).headers().firstValue("MPP.ServedBy").orElse(""));
                    return seen.size() == 2;
                });
                int before = failing.requests();
                failing.answerRequests(aResponse().withStatus(503).withBody("{\"status\":\"error\"}"));
                RouteCookie codec = new RouteCookie(KEY.getBytes(StandardCharsets.UTF_8));

                HttpResponse<String> r = query(mpp, "MPP.Route=" + codec.encode(failing.url()));

                assertThat(failing.requests()).as("the pinned backend had the first attempt").isEqualTo(before + 1);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("MPP.ServedBy")).hasValue(good.url());
                assertThat(r.headers().allValues("Set-Cookie"))
                        .containsExactly(codec.setCookieHeader(good.url(), false));
            }
        }
    }
}
