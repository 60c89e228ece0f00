package io.mpp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import io.mpp.testing.PrometheusProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Two real Prometheus replicas on loopback behind a real mpp. The last tests stop the replicas. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static PrometheusProcess a;
    static PrometheusProcess b;
    static MppServer mpp;

    @BeforeAll
    static void start() throws Exception {
        a = PrometheusProcess.start(Files.createDirectories(dir.resolve("a")));
        b = PrometheusProcess.start(Files.createDirectories(dir.resolve("b")));
        Path endpoints = dir.resolve("endpoints");
        Files.writeString(endpoints, "# two replicas\n" + a.url() + "\n\n  " + b.url() + "/  \n");
        mpp = MppServer.start(
                ConfigOverride.config("locators[0].path", endpoints.toString()),
                ConfigOverride.config("selection.routingStrategy", "random"),
                ConfigOverride.config("selection.interval", "300ms"));
        a.awaitSamples();
        b.awaitSamples();
    }

    @AfterAll
    static void stop() {
        if (mpp != null) {
            mpp.close();
        }
        for (PrometheusProcess p : new PrometheusProcess[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + pathAndQuery)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postForm(String path, String form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String servedBy(HttpResponse<?> response) {
        return response.headers().firstValue("MPP.ServedBy").orElse(null);
    }

    @Test
    @Order(1)
    void instantQueryByGetAndPost() throws Exception {
        HttpResponse<String> byGet = get("/api/v1/query?query=" + enc("up{job=\"prometheus\"}"));
        assertThat(byGet.statusCode()).isEqualTo(200);
        assertThat(byGet.body()).contains("\"status\":\"success\"", "\"resultType\":\"vector\"", "\"__name__\":\"up\"");
        assertThat(servedBy(byGet)).isIn(a.url(), b.url());

        HttpResponse<String> byPost = postForm("/api/v1/query", "query=" + enc("1+1"));
        assertThat(byPost.statusCode()).isEqualTo(200);
        assertThat(byPost.body()).contains("\"resultType\":\"scalar\"", "\"2\"");
        assertThat(servedBy(byPost)).isIn(a.url(), b.url());
    }

    @Test
    @Order(2)
    void rangeQueryByGetAndPost() throws Exception {
        // Rounded up: the first samples may be younger than the last whole second.
        long end = Instant.now().getEpochSecond() + 1;
        String params = "query=" + enc("up") + "&start=" + (end - 60) + "&end=" + end + "&step=1";
        HttpResponse<String> byGet = get("/api/v1/query_range?" + params);
        assertThat(byGet.statusCode()).isEqualTo(200);
        assertThat(byGet.body()).contains("\"resultType\":\"matrix\"", "\"values\":[[");

        HttpResponse<String> byPost = postForm("/api/v1/query_range", params);
        assertThat(byPost.statusCode()).isEqualTo(200);
        assertThat(byPost.body()).contains("\"resultType\":\"matrix\"", "\"values\":[[");
    }

    @Test
    @Order(3)
    void bothReplicasServeUnderRandom() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        Await.until(Duration.ofSeconds(20), "both replicas to serve", () -> {
            seen.add(servedBy(get("/api/v1/query?query=up")));
            return seen.containsAll(List.of(a.url(), b.url()));
        });
    }

    @Test
    @Order(4)
    void prometheusErrorsPassThrough() throws Exception {
        HttpResponse<String> bad = get("/api/v1/query?query=" + enc("sum("));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"errorType\":\"bad_data\"");
    }

    @Test
    @Order(5)
    void webUiAndEveryAssetItLoads() throws Exception {
        // Debian's Prometheus serves the classic UI: /graph redirects to /classic/graph.
        HttpResponse<String> redirect = get("/graph");
        assertThat(redirect.statusCode()).isBetween(301, 302);
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/graph")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().getPath()).isEqualTo("/classic/graph");
        assertThat(page.body()).contains("<title>Prometheus Time Series Collection and Processing Server</title>");
        Matcher asset = Pattern.compile("(?:src|href)=\"(/classic/static/[^\"]+)\"").matcher(page.body());
        int assets = 0;
        while (asset.find()) {
            HttpResponse<String> r = get(asset.group(1));
            assertThat(r.statusCode()).as(asset.group(1)).isEqualTo(200);
            assertThat(r.body()).as(asset.group(1)).isNotEmpty();
            assets++;
        }
        assertThat(assets).as("assets the page loads").isGreaterThan(10);
    }

    @Test
    @Order(6)
    void promtoolQueriesThroughMpp() throws Exception {
        String promtool = PrometheusProcess.promtool();
        Process instant = new ProcessBuilder(promtool, "query", "instant", mpp.url(), "up").redirectErrorStream(true)
                .start();
        String out = new String(instant.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(instant.waitFor()).as(out).isZero();
        assertThat(out).contains("up{instance=");

        long end = Instant.now().getEpochSecond() + 1; // rounded up, as above
        Process range = new ProcessBuilder(promtool, "query", "range", "--start=" + (end - 30), "--end=" + end,
                "--step=5s", mpp.url(), "up").redirectErrorStream(true).start();
        String rangeOut = new String(range.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(range.waitFor()).as(rangeOut).isZero();
        assertThat(rangeOut).contains("up{instance=", " @[");
    }

    @Test
    @Order(7)
    void healthIsServedByMppItself() throws Exception {
        HttpResponse<String> health = get("/mpp/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("OK");
        assertThat(servedBy(health)).isNull();
    }

    @Test
    @Order(10)
    void aStoppedBackendIsDroppedAtTheNextSelection() throws Exception {
        b.kill();
        // Once a selection has run without b, 30 answers in a row come from a.
        Await.until(Duration.ofSeconds(20), "the selection to drop the stopped replica", () -> {
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> r = get("/api/v1/query?query=up");
                if (r.statusCode() != 200 || !a.url().equals(servedBy(r))) {
                    return false;
                }
            }
            return true;
        });
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = get("/api/v1/query?query=up");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(servedBy(r)).isEqualTo(a.url());
        }
    }

    @Test
    @Order(11)
    void noLiveBackendGivesThePrometheusStyle503() throws Exception {
        a.kill();
        Await.until(Duration.ofSeconds(20), "mpp to answer 503",
                () -> get("/api/v1/query?query=up").statusCode() == 503);
        HttpResponse<String> r = get("/api/v1/query?query=up");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("MPP.Error")).as("mpp's own answer, not a backend's").hasValue("unavailable");
        assertThat(r.body()).startsWith("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"");
        assertThat(get("/mpp/health").statusCode()).isEqualTo(200);
    }
}
