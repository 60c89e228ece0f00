package io.mpp.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpp.testing.FreePorts;
import io.mpp.testing.MppServer;
import io.mpp.testing.Scrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy's request, duration and retry metrics after known traffic, through a real mpp, against backends scripted
 * with WireMock (answers real Prometheus cannot be made to give on demand).
 */
class ProxyMetricsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String OK = "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"2\"]}}";

    @TempDir
    Path dir;
    private StubbedMpp stubs;
    private MppServer mpp;

    @BeforeEach
    void stubs() {
        stubs = new StubbedMpp(dir);
    }

    @AfterEach
    void close() {
        stubs.close();
    }

    private PrometheusStub stub(double samples) {
        return stubs.stub(samples);
    }

    private void startMpp(String strategy, PrometheusStub... backends) throws Exception {
        startMpp(strategy, List.of(backends).stream().map(PrometheusStub::url).toList());
    }

    private void startMpp(String strategy, List<String> backends) throws Exception {
        mpp = stubs.start(strategy, backends);
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Scrape scrape() {
        return Scrape.of(mpp.url() + "/mpp/metrics");
    }

    @Test
    void requestsAndDurationsAreCountedByBackendAndStatus() throws Exception {
        PrometheusStub a = stub(1000);
        PrometheusStub b = stub(10);
        a.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/query"))
                .atPriority(5).willReturn(aResponse().withStatus(200).withBody(OK)));
        a.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/bad"))
                .atPriority(5).willReturn(aResponse().withStatus(422).withBody("{\"status\":\"error\"}")));
        startMpp("single-most-data", a, b);

        for (int i = 0; i < 7; i++) {
            assertThat(get("/api/v1/query?query=" + i).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(get("/api/v1/bad").statusCode()).isEqualTo(422);
        }

        Scrape s = scrape();
        assertThat(s.value("mpp_requests_total", "backend", a.url(), "code", "200")).isEqualTo(7);
        assertThat(s.value("mpp_requests_total", "backend", a.url(), "code", "422")).isEqualTo(3);
        assertThat(s.find("mpp_requests_total", java.util.Map.of("backend", b.url()))).isEmpty();
        assertThat(s.value("mpp_request_duration_seconds_count", "backend", a.url())).isEqualTo(10);
        assertThat(s.value("mpp_request_duration_seconds_sum", "backend", a.url())).isGreaterThan(0);
        // Explicit buckets, cumulative; every request took less than two minutes.
        assertThat(s.find("mpp_request_duration_seconds_bucket", java.util.Map.of("backend", a.url()))
                .stream().map(x -> x.labels().get("le")).toList())
                .containsExactly("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0",
                        "10.0", "30.0", "60.0", "120.0", "+Inf");
        assertThat(s.value("mpp_request_duration_seconds_bucket", "backend", a.url(), "le", "120.0")).isEqualTo(10);
        assertThat(s.value("mpp_retries_total", "backend", a.url())).isZero();
        // Never the request path as a label.
        assertThat(s.text()).doesNotContain("/api/v1/bad");
    }

    @Test
    void retriesAreCountedForTheBackendThatFailedAndTheAnswerForTheOneThatAnswered() throws Exception {
        PrometheusStub failing = stub(10);
        PrometheusStub good = stub(10);
        failing.answerRequests(aResponse().withStatus(503).withBody("{\"status\":\"error\"}"));
        good.answerRequests(aResponse().withStatus(200).withBody(OK));
        startMpp("random", failing, good);

        int n = 20;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = get("/api/v1/query?query=up");
            assertThat(r.statusCode()).isEqualTo(200);
        }
        Scrape s = scrape();
        assertThat(failing.requests()).as("first attempts that went to the failing backend").isPositive();
        assertThat(s.value("mpp_retries_total", "backend", failing.url())).isEqualTo(failing.requests());
        assertThat(s.value("mpp_retries_total", "backend", good.url())).isZero();
        assertThat(s.value("mpp_requests_total", "backend", good.url(), "code", "200")).isEqualTo(n);
        assertThat(s.find("mpp_requests_total", java.util.Map.of("backend", failing.url()))).isEmpty();
    }

    @Test
    void aRequestNoBackendCouldAnswerIsCountedWithItsErrorStatus() throws Exception {
        PrometheusStub a = stub(1000);
        PrometheusStub b = stub(10);
        a.answerRequests(aResponse().withStatus(502).withBody("{\"status\":\"error\"}"));
        b.answerRequests(aResponse().withStatus(502).withBody("{\"status\":\"error\"}"));
        startMpp("single-most-data", a, b);

        assertThat(get("/api/v1/query?query=up").statusCode()).isEqualTo(502);
        Scrape s = scrape();
        double failedOnA = s.value("mpp_requests_total", "backend", a.url(), "code", "502");
        double failedOnB = s.value("mpp_requests_total", "backend", b.url(), "code", "502");
        assertThat(failedOnA + failedOnB).isEqualTo(1);
        assertThat(s.value("mpp_retries_total", "backend", a.url())
                + s.value("mpp_retries_total", "backend", b.url())).isEqualTo(1);
    }

    @Test
    void aRequestWithoutALiveBackendIsCountedUnderNone() throws Exception {
        String nobody = "http://127.0.0.1:" + FreePorts.next(); // nothing listens there
        startMpp("single-most-data", List.of(nobody));
        // The first selection ran before mpp took requests.
        assertThat(scrape().value("mpp_candidate_backends")).isEqualTo(1);

        assertThat(get("/api/v1/query?query=up").statusCode()).isEqualTo(503);
        assertThat(get("/api/v1/query?query=up").statusCode()).isEqualTo(503);
        Scrape s = scrape();
        assertThat(s.value("mpp_requests_total", "backend", "none", "code", "503")).isEqualTo(2);
        assertThat(s.value("mpp_request_duration_seconds_count", "backend", "none")).isEqualTo(2);
        assertThat(s.find("mpp_retries_total", java.util.Map.of("backend", "none"))).as("never moved").isEmpty();
        assertThat(s.value("mpp_selected_backends")).isZero();
        assertThat(s.value("mpp_backend_up", "backend", nobody)).isZero();
        assertThat(s.find("mpp_backend_up", java.util.Map.of("backend", nobody))).hasSize(1);
        assertThat(s.value("mpp_selection_runs_total", "result", "none")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theSeriesOfABackendGoneForAnHourAreRemovedAndAKnownOnesStay() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ProxyMetrics metrics = new ProxyMetrics(registry);
        io.mpp.discovery.Endpoint gone = io.mpp.discovery.Endpoint.parse("http://gone:9090", "file:test");
        io.mpp.discovery.Endpoint kept = io.mpp.discovery.Endpoint.parse("http://kept:9090", "file:test");
        for (io.mpp.discovery.Endpoint e : List.of(gone, kept)) {
            metrics.completed(e, 200, System.nanoTime());
            metrics.completed(e, 500, System.nanoTime());
            metrics.retried(e);
        }
        assertThat(registry.find("mpp_requests").tag("backend", gone.url()).counters()).hasSize(2);

        metrics.forgetGone(List.of(kept), System.nanoTime());
        assertThat(registry.find("mpp_requests").tag("backend", gone.url()).counters())
                .as("within the hour").hasSize(2);

        long later = System.nanoTime() + Duration.ofMinutes(61).toNanos();
        metrics.forgetGone(List.of(kept), later);
        assertThat(registry.find("mpp_requests").tag("backend", gone.url()).counters()).isEmpty();
        assertThat(registry.find("mpp_request_duration").tag("backend", gone.url()).timers()).isEmpty();
        assertThat(registry.find("mpp_retries").tag("backend", gone.url()).counters()).isEmpty();
        assertThat(registry.find("mpp_requests").tag("backend", kept.url()).counters()).hasSize(2);
        assertThat(registry.find("mpp_requests").tag("backend", ProxyMetrics.NO_BACKEND).counters()).isEmpty();
        assertThat(registry.find("mpp_request_duration").tag("backend", ProxyMetrics.NO_BACKEND).timers())
                .hasSize(1);

        // A backend that comes back starts its series again.
        metrics.completed(gone, 200, System.nanoTime());
        assertThat(registry.get("mpp_requests").tag("backend", gone.url()).tag("code", "200").counter().count())
                .isEqualTo(1);
    }
}
