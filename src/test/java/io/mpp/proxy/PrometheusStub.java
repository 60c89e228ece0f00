package io.mpp.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;

/**
 * A WireMock server that answers mpp's probes like a Prometheus 2.x ({@code up} query, {@code /metrics} with a sample
 * count), so proxy tests can script the answers to client requests, including failures real Prometheus cannot be
 * made to give on demand.
 */
final class PrometheusStub implements AutoCloseable {

    static final String LIVENESS = "count(up)";
    static final String UP = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";

    final WireMockServer server;
    private final boolean https;

    PrometheusStub(double samples) {
        this(samples, false);
    }

    /** With {@code https}, on WireMock's own self-signed certificate only (mpp needs {@code insecureCerts}). */
    PrometheusStub(double samples, boolean https) {
        this.https = https;
        server = new WireMockServer(https
                ? options().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1").containerThreads(20)
                : options().dynamicPort().bindAddress("127.0.0.1").containerThreads(20));
        server.start();
        answerProbes(samples, 0);
    }

    /** The probe answers, optionally delayed (a hung backend answers nothing in time). */
    void answerProbes(double samples, int delayMillis) {
        server.stubFor(probe(get(urlPathEqualTo("/api/v1/query")).withQueryParam("query", equalTo(LIVENESS)),
                aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(UP), delayMillis));
        server.stubFor(probe(get(urlPathEqualTo("/metrics")), aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; version=0.0.4")
                .withBody("# TYPE prometheus_tsdb_head_samples_appended_total counter\n"
                        + "prometheus_tsdb_head_samples_appended_total{type=\"float\"} " + samples + "\n"),
                delayMillis));
    }

    /** Answers nothing in time, probes or requests: a process that is stopped, or a host that is gone. */
    void hang() {
        answerProbes(1000, 60_000);
        answerRequests(WireMock.aResponse().withStatus(200).withFixedDelay(60_000));
    }

    /** Only the probe's query answers late: a Prometheus whose query engine is busy, while it serves /metrics. */
    void answerProbeQueryLate(int delayMillis) {
        server.stubFor(probe(get(urlPathEqualTo("/api/v1/query")).withQueryParam("query", equalTo(LIVENESS)),
                aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(UP), delayMillis));
    }

    private static MappingBuilder probe(MappingBuilder mapping, ResponseDefinitionBuilder answer, int delayMillis) {
        return mapping.atPriority(1).willReturn(answer.withFixedDelay(delayMillis));
    }

    /** Answers every client request (not a probe) this way. */
    void answerRequests(ResponseDefinitionBuilder answer) {
        server.stubFor(WireMock.any(anyUrl()).atPriority(5).willReturn(answer));
    }

    String url() {
        return https ? "https://127.0.0.1:" + server.httpsPort() : "http://127.0.0.1:" + server.port();
    }

    /** Client requests this backend received (probes left out). */
    int requests() {
        return (int) server.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> !r.getUrl().equals("/metrics") && !(r.getMethod().getName().equals("GET")
                        && LIVENESS.equals(r.queryParameter("query").isPresent()
                        ? r.queryParameter("query").firstValue() : null)))
                .count();
    }

    @Override
    public void close() {
        server.stop();
    }
}
