package io.mpp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import io.mpp.testing.PrometheusProcess;
import io.mpp.testing.marathon.TestTls;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus serving https with a certificate of a private CA, which the JVM does not trust, behind a real
 * mpp: {@code MPP_BACKEND_CA_FILE} with that CA, or {@code MPP_INSECURE_CERTS} (the original's {@code -k}), lets
 * the probes and the proxy reach it; with neither the backend is not live, and the status page says why.
 */
class BackendTlsEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static TestTls tls;
    private static PrometheusProcess prometheus;

    @BeforeAll
    static void start() throws Exception {
        tls = TestTls.create(dir.resolve("tls"), "backend");
        prometheus = PrometheusProcess.startTls(dir.resolve("prometheus"), tls.serverCertPem(), tls.serverKeyPem());
    }

    @AfterAll
    static void stop() {
        prometheus.close();
    }

    private static MppServer mpp(boolean insecureCerts, Path caFile) throws Exception {
        Path endpoints = Files.writeString(Files.createTempFile(dir, "endpoints", ""), prometheus.url() + "\n");
        return MppServer.start(
                ConfigOverride.config("locators[0].path", endpoints.toString()),
                ConfigOverride.config("proxy.insecureCerts", String.valueOf(insecureCerts)),
                ConfigOverride.config("proxy.caFile", caFile == null ? "" : caFile.toString()),
                ConfigOverride.config("selection.interval", "500ms"));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withTheCaFileTheHttpsBackendIsProbedAndProxiedTo() throws Exception {
        assertThat(prometheus.url()).startsWith("https://");
        try (MppServer mpp = mpp(false, tls.caPem())) {
            assertServes(mpp);
        }
    }

    @Test
    void withInsecureCertsTheHttpsBackendIsProbedAndProxiedTo() throws Exception {
        try (MppServer mpp = mpp(true, null)) {
            assertServes(mpp);
        }
    }

    private static void assertServes(MppServer mpp) throws Exception {
        Await.until(Duration.ofSeconds(30), "the https backend to be selected",
                () -> get(mpp.url() + "/api/v1/query?query=up").statusCode() == 200);
        HttpResponse<String> byGet = get(mpp.url() + "/api/v1/query?query=up");
        assertThat(byGet.body()).contains("\"status\":\"success\"");
        assertThat(byGet.headers().firstValue("MPP.ServedBy")).hasValue(prometheus.url());

        // The form-encoded POST that Grafana sends, to the same https backend.
        HttpResponse<String> byPost = HTTP.send(HttpRequest.newBuilder(
                        URI.create(mpp.url() + "/api/v1/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode("count(up)",
                        StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byPost.statusCode()).isEqualTo(200);
        assertThat(byPost.body()).contains("\"resultType\":\"vector\"");
        assertThat(byPost.headers().firstValue("MPP.ServedBy")).hasValue(prometheus.url());
    }

    @Test
    void withNeitherTheCertificateIsRefusedAndTheStatusPageSaysSo() throws Exception {
        try (MppServer mpp = mpp(false, null)) {
            Await.until(Duration.ofSeconds(30), "a probe of the https backend",
                    () -> !candidate(mpp).path("error").asText().isEmpty());
            JsonNode candidate = candidate(mpp);
            assertThat(candidate.path("live").asBoolean()).isFalse();
            assertThat(candidate.path("error").asText()).containsIgnoringCase("certificat");
            HttpResponse<String> answer = get(mpp.url() + "/api/v1/query?query=up");
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("\"errorType\":\"unavailable\"");
        }
    }

    private static JsonNode candidate(MppServer mpp) throws Exception {
        for (JsonNode c : JSON.readTree(get(mpp.url() + "/mpp/status.json").body()).path("candidates")) {
            if (c.path("endpoint").asText().equals(prometheus.url())) {
                return c;
            }
        }
        return JSON.createObjectNode();
    }
}
