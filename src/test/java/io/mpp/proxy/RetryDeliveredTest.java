package io.mpp.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code proxy.retryDelivered: false}: a request that went out to a backend which then failed it (a query that made
 * its replica crash, say) is not sent to another replica; one that reached no backend still is. Each case runs over
 * mpp's own HTTP/1.1 client (plain-http backends) and over Jetty's (https backends).
 */
class RetryDeliveredTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String OK =
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"2\"]}}";

    @TempDir
    Path dir;
    private StubbedMpp stubs;
    private MppServer mpp;
    private PrometheusStub first;
    private PrometheusStub other;

    @BeforeEach
    void stubs() {
        stubs = new StubbedMpp(dir);
    }

    @AfterEach
    void close() {
        stubs.close();
    }

    /** Two backends answering OK, behind an mpp with retryDelivered off that serves from the first (most data). */
    private void start(boolean https, ConfigOverride... overrides) throws Exception {
        first = stubs.stub(1000, https);
        other = stubs.stub(10, https);
        first.answerRequests(aResponse().withStatus(200).withBody(OK));
        other.answerRequests(aResponse().withStatus(200).withBody(OK));
        mpp = stubs.start("single-most-data", StubbedMpp.urls(List.of(first, other)), Stream.concat(Stream.of(
                ConfigOverride.config("proxy.retryDelivered", "false"),
                ConfigOverride.config("proxy.insecureCerts", String.valueOf(https))), Stream.of(overrides))
                .toArray(ConfigOverride[]::new));
        Await.until(Duration.ofSeconds(30), "mpp to serve from the stub with the most data",
                () -> first.url().equals(servedBy(query())));
    }

    private HttpResponse<String> query() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/query?query=1%2B1"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String servedBy(HttpResponse<?> r) {
        return r.headers().firstValue("MPP.ServedBy").orElse(null);
    }

    @ParameterizedTest(name = "https: {0}")
    @ValueSource(booleans = {false, true})
    void aConnectionBrokenAfterTheRequestWentOutEndsTheRequest(boolean https) throws Exception {
        start(https);
        int before = other.requests();
        first.answerRequests(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        HttpResponse<String> r = query();
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).startsWith("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"backend "
                + first.url() + " failed: ").endsWith("; not sent to another backend, as this one had it and"
                + " proxy.retryDelivered is false\"}");
        assertThat(other.requests()).as("requests the other replica got").isEqualTo(before);
    }

    @ParameterizedTest(name = "https: {0}")
    @ValueSource(booleans = {false, true})
    void a502OrA504IsPassedOnAsItCameAndTheBackendLeavesTheRotation(boolean https) throws Exception {
        start(https);
        for (int status : new int[] {502, 504}) {
            int before = other.requests();
            first.answerRequests(aResponse().withStatus(status).withBody("upstream " + status));
            HttpResponse<String> r = query();
            assertThat(r.statusCode()).isEqualTo(status);
            assertThat(r.body()).isEqualTo("upstream " + status);
            assertThat(other.requests()).as("requests the other replica got").isEqualTo(before);
            assertThat(servedBy(query())).as("the next request").isEqualTo(other.url());
            // Until a selection finds it live again.
            first.answerRequests(aResponse().withStatus(200).withBody(OK));
            Await.until(Duration.ofSeconds(30), "the first backend to serve again",
                    () -> first.url().equals(servedBy(query())));
        }
    }

    @ParameterizedTest(name = "retryDelivered: {0}")
    @ValueSource(booleans = {false, true})
    void aFailedTlsHandshakeReachedNoBackendAndIsRetried(boolean retryDelivered) throws Exception {
        first = stubs.stub(1000, true);
        other = stubs.stub(10, true);
        // Closed after each answer: the handshake that fails below is a new connection's, not a pooled one's.
        first.answerRequests(aResponse().withStatus(200).withHeader("Connection", "close").withBody(OK));
        other.answerRequests(aResponse().withStatus(200).withBody(OK));
        try (HandshakeBreaker breaker = new HandshakeBreaker(first.server.httpsPort())) {
            String firstUrl = "https://127.0.0.1:" + breaker.port();
            mpp = stubs.start("single-most-data", List.of(firstUrl, other.url()),
                    ConfigOverride.config("proxy.retryDelivered", String.valueOf(retryDelivered)),
                    ConfigOverride.config("proxy.insecureCerts", "true"));
            Await.until(Duration.ofSeconds(30), "mpp to serve from the stub with the most data",
                    () -> firstUrl.equals(servedBy(query())));
            int before = first.requests();

            breaker.breakHandshakes();
            HttpResponse<String> r = query();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(servedBy(r)).isEqualTo(other.url());
            assertThat(first.requests()).as("requests that reached the first backend").isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "https: {0}")
    @ValueSource(booleans = {false, true})
    void aNotReady503IsStillRetried(boolean https) throws Exception {
        start(https);
        // What Prometheus answers while it starts up: it did not take the request.
        first.answerRequests(aResponse().withStatus(503).withHeader("Content-Type", "text/plain; charset=utf-8")
                .withBody("Service Unavailable"));

        HttpResponse<String> r = query();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(servedBy(r)).isEqualTo(other.url());
    }

    @ParameterizedTest(name = "https: {0}")
    @ValueSource(booleans = {false, true})
    void aRefusedConnectionIsStillRetried(boolean https) throws Exception {
        start(https);
        first.server.stop();

        HttpResponse<String> r = query();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(servedBy(r)).isEqualTo(other.url());
    }

    @ParameterizedTest(name = "https: {0}")
    @ValueSource(booleans = {false, true})
    void aHungBackendKeepsItsRequestUntilTheExchangeTimeout(boolean https) throws Exception {
        start(https, ConfigOverride.config("proxy.headersTimeout", "200ms"),
                ConfigOverride.config("selection.probeTimeout", "500ms"),
                ConfigOverride.config("proxy.responseTimeout", "3s"));
        int before = other.requests();
        first.hang();

        HttpResponse<String> r = query();
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(other.requests()).as("requests the other replica got").isEqualTo(before);
        Await.until(Duration.ofSeconds(10), "new requests to go to the replica that answers its probe",
                () -> other.url().equals(servedBy(query())));
    }
}
