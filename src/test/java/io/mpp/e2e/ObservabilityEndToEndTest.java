package io.mpp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import io.mpp.testing.PrometheusProcess;
import io.mpp.testing.Scrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics, health checks and the status page of a real mpp in front of two real Prometheus replicas; a third real
 * Prometheus scrapes mpp. The last tests take the endpoints file away and stop the replicas.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static PrometheusProcess a;
    static PrometheusProcess b;
    static Path endpoints;
    static MppServer mpp;

    @BeforeAll
    static void start() throws Exception {
        a = PrometheusProcess.start(Files.createDirectories(dir.resolve("a")));
        b = PrometheusProcess.start(Files.createDirectories(dir.resolve("b")));
        endpoints = dir.resolve("endpoints");
        Files.writeString(endpoints, a.url() + "\n" + b.url() + "\n");
        mpp = MppServer.start(
                ConfigOverride.config("locators[0].path", endpoints.toString()),
                ConfigOverride.config("selection.routingStrategy", "random"),
                ConfigOverride.config("selection.interval", "300ms"));
        a.awaitSamples();
        b.awaitSamples();
        Await.until(Duration.ofSeconds(30), "both replicas to be selected",
                () -> metrics().value("mpp_selected_backends") == 2);
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

    private static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Scrape metrics() {
        return Scrape.of(mpp.url() + "/mpp/metrics");
    }

    private static String locatorName() {
        return "file:" + endpoints;
    }

    private static JsonNode status() throws Exception {
        HttpResponse<String> r = get(mpp.url() + "/mpp/status.json");
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode candidate(JsonNode status, String url) {
        for (JsonNode c : status.get("candidates")) {
            if (c.get("endpoint").asText().equals(url)) {
                return c;
            }
        }
        return null;
    }

    @Test
    @Order(1)
    void requestsAreCountedByTheBackendThatAnsweredAndTheStatusCode() throws Exception {
        Scrape before = metrics();
        Map<String, Integer> ok = new HashMap<>();
        Map<String, Integer> notFound = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> r = get(mpp.url() + "/api/v1/query?query=up");
            assertThat(r.statusCode()).isEqualTo(200);
            ok.merge(r.headers().firstValue("MPP.ServedBy").orElseThrow(), 1, Integer::sum);
        }
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = get(mpp.url() + "/api/v1/no-such-endpoint");
            assertThat(r.statusCode()).isEqualTo(404);
            notFound.merge(r.headers().firstValue("MPP.ServedBy").orElseThrow(), 1, Integer::sum);
        }
        Scrape after = metrics();
        for (String backend : List.of(a.url(), b.url())) {
            int okHere = ok.getOrDefault(backend, 0);
            int notFoundHere = notFound.getOrDefault(backend, 0);
            assertThat(delta(before, after, "mpp_requests_total", "backend", backend, "code", "200"))
                    .as("200s answered by %s", backend).isEqualTo(okHere);
            assertThat(delta(before, after, "mpp_requests_total", "backend", backend, "code", "404"))
                    .as("404s answered by %s", backend).isEqualTo(notFoundHere);
            assertThat(delta(before, after, "mpp_request_duration_seconds_count", "backend", backend))
                    .isEqualTo(okHere + notFoundHere);
            assertThat(delta(before, after, "mpp_request_duration_seconds_bucket", "backend", backend, "le", "+Inf"))
                    .isEqualTo(okHere + notFoundHere);
            assertThat(after.value("mpp_retries_total", "backend", backend)).isZero();
        }
        assertThat(after.text()).doesNotContain("no-such-endpoint", "query=up");
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    @Test
    @Order(2)
    void selectionDiscoveryBuildJvmAndJettyAreExposed() throws Exception {
        Scrape s = metrics();
        assertThat(s.value("mpp_selected_backends")).isEqualTo(2);
        assertThat(s.value("mpp_live_backends")).isEqualTo(2);
        assertThat(s.value("mpp_candidate_backends")).isEqualTo(2);
        for (String backend : List.of(a.url(), b.url())) {
            assertThat(s.value("mpp_backend_up", "backend", backend, "locator", locatorName())).isEqualTo(1);
            assertThat(s.value("mpp_backend_selected", "backend", backend, "locator", locatorName())).isEqualTo(1);
        }
        assertThat(s.value("mpp_selection_runs_total", "result", "selected")).isGreaterThanOrEqualTo(1);
        assertThat(s.value("mpp_selection_runs_total", "result", "failed")).isZero();
        assertThat(s.find("mpp_locator_errors_total", Map.of("locator", locatorName()))).hasSize(1);
        assertThat(s.value("mpp_locator_errors_total", "locator", locatorName())).isZero();
        assertThat(s.value("mpp_build_info", "version", "unknown")).isEqualTo(1); // not run from the jar
        assertThat(s.has("jvm_memory_used_bytes")).isTrue();
        assertThat(s.has("jvm_gc_pause_seconds_count") || s.has("jvm_gc_memory_allocated_bytes_total")).isTrue();
        assertThat(s.has("jvm_threads_live_threads")).isTrue();
        assertThat(s.has("process_uptime_seconds")).isTrue();
        assertThat(s.value("jetty_threads_current")).isPositive();
        assertThat(s.find("jetty_connections_current_connections", Map.of("connector_name", "application")))
                .hasSize(1);

        // The admin port serves the same registry; its Dropwizard /metrics stays JSON.
        Scrape admin = Scrape.of(mpp.adminUrl() + "/mpp/metrics");
        assertThat(admin.value("mpp_selected_backends")).isEqualTo(2);
        assertThat(admin.has("mpp_requests_total")).isTrue();
        HttpResponse<String> dropwizard = get(mpp.adminUrl() + "/metrics");
        assertThat(dropwizard.headers().firstValue("Content-Type").orElse("")).contains("application/json");
        assertThat(dropwizard.body()).contains("\"gauges\"");
    }

    @Test
    @Order(3)
    void theExpositionIsPrometheusTextOrOpenMetricsAsAskedAndPassesPromtool() throws Exception {
        HttpResponse<String> text = get(mpp.url() + "/mpp/metrics");
        assertThat(text.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        HttpResponse<String> open = get(mpp.url() + "/mpp/metrics",
                "Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertThat(open.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(open.body()).endsWith("# EOF\n");

        // promtool's linter holds mpp's own names to the conventions (_total, _seconds, base units, HELP).
        String own = Pattern.compile("\n").splitAsStream(text.body())
                .filter(line -> line.matches("(# (HELP|TYPE) )?mpp_.*"))
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(own).contains("mpp_requests_total", "mpp_build_info");
        assertThat(promtool(own)).isEqualTo("exit 0: ");
        // The whole exposition parses; promtool's lint only objects to two names of Micrometer's system binders.
        String whole = promtool(text.body());
        assertThat(whole).doesNotContain("error").startsWith("exit 3");
        assertThat(whole.substring(whole.indexOf(": ") + 2).lines().filter(l -> !l.isBlank())
                .map(l -> l.split(" ")[0]).toList())
                .containsExactlyInAnyOrder("process_cpu_time_ns_total", "system_cpu_count");
    }

    private static String promtool(String exposition) throws Exception {
        Path binary = Path.of(PrometheusProcess.binary()).resolveSibling("promtool");
        Process p = new ProcessBuilder(binary.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return "exit " + p.exitValue() + ": " + out;
    }

    @Test
    @Order(4)
    void aRealPrometheusScrapesMppsAdminPort() throws Exception {
        String admin = URI.create(mpp.adminUrl()).getAuthority();
        try (PrometheusProcess observer = PrometheusProcess.startScraping(
                Files.createDirectories(dir.resolve("observer")), "mpp", admin, "/mpp/metrics")) {
            Await.until(Duration.ofSeconds(60), "the observer to have scraped mpp",
                    () -> observer.get("/api/v1/query?query=up%7Bjob%3D%22mpp%22%7D").contains("\"1\"]"));
            JsonNode selected = JSON.readTree(observer.get("/api/v1/query?query=mpp_selected_backends"));
            assertThat(selected.at("/data/result/0/value/1").asText()).isEqualTo("2");
            JsonNode requests = JSON.readTree(observer.get(
                    "/api/v1/query?query=sum(mpp_requests_total%7Bcode%3D%22200%22%7D)"));
            assertThat(requests.at("/data/result/0/value/1").asDouble()).isGreaterThanOrEqualTo(12);
            JsonNode build = JSON.readTree(observer.get("/api/v1/query?query=mpp_build_info"));
            assertThat(build.at("/data/result/0/metric/version").asText()).isEqualTo("unknown");
        }
    }

    @Test
    @Order(5)
    void theStatusPageShowsEveryCandidateWithOnlyRelativeLinks() throws Exception {
        HttpResponse<String> page = get(mpp.url() + "/mpp/status");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        String html = page.body();
        assertThat(html).contains("<meta http-equiv=\"refresh\" content=\"5\">", "<code>random</code>",
                "nothing: every live backend serves", "300ms", "cookies", "unknown",
                "<a href=\"" + a.url() + "\">", "<a href=\"" + b.url() + "\">", "&#10003; selected",
                StatusPageText.escaped(locatorName()));
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContain("src=");
        // Every link to mpp itself is relative, so it works under /service/<name>/; each one answers.
        List<String> own = linksToMpp(html);
        assertThat(own).isNotEmpty().allSatisfy(h -> assertThat(h).doesNotStartWith("/").doesNotContain("://"));
        URI page1 = URI.create(mpp.url() + "/mpp/status");
        for (String link : own) {
            assertThat(get(page1.resolve(link).toString()).statusCode()).as(link).isEqualTo(200);
        }
        assertThat(URI.create("https://master/service/mpp/mpp/status").resolve(own.get(0)).getPath())
                .startsWith("/service/mpp/mpp/");

        // The page answers with a trailing slash too; its links still reach mpp's pages, not paths below it.
        URI slashed = URI.create(mpp.url() + "/mpp/status/");
        List<String> fromSlashed = linksToMpp(get(slashed.toString()).body());
        assertThat(fromSlashed).hasSameSizeAs(own);
        for (String link : fromSlashed) {
            assertThat(get(slashed.resolve(link).toString()).statusCode()).as(link).isEqualTo(200);
        }
    }

    /** The page's links other than those to the backends. */
    private List<String> linksToMpp(String html) {
        return Pattern.compile("href=\"([^\"]*)\"").matcher(html).results().map(m -> m.group(1))
                .filter(h -> !h.equals(a.url()) && !h.equals(b.url())).toList();
    }

    @Test
    @Order(6)
    void theSameDataIsJsonAtStatusJsonAndByContentNegotiation() throws Exception {
        JsonNode s = status();
        HttpResponse<String> negotiated = get(mpp.url() + "/mpp/status", "Accept", "application/json");
        assertThat(negotiated.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode n = JSON.readTree(negotiated.body());
        assertThat(n.get("candidates").size()).isEqualTo(2);
        HttpResponse<String> anything = get(mpp.url() + "/mpp/status", "Accept", "*/*");
        assertThat(anything.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");

        assertThat(s.get("strategy").asText()).isEqualTo("random");
        assertThat(s.get("measures").asText()).isEqualTo("nothing: every live backend serves");
        assertThat(s.get("selectionInterval").asText()).isEqualTo("300ms");
        assertThat(s.get("affinityOptions").toString()).isEqualTo("[\"cookies\"]");
        assertThat(s.get("version").asText()).isEqualTo("unknown");
        assertThat(s.get("uptimeSeconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(s.get("selected").asInt()).isEqualTo(2);
        assertThat(s.get("locators").get(0).get("name").asText()).isEqualTo(locatorName());
        assertThat(s.get("locators").get(0).get("endpoints").asInt()).isEqualTo(2);
        for (String url : List.of(a.url(), b.url())) {
            JsonNode c = candidate(s, url);
            assertThat(c).as(url).isNotNull();
            assertThat(c.get("locator").asText()).isEqualTo(locatorName());
            assertThat(c.get("live").asBoolean()).isTrue();
            assertThat(c.get("selected").asBoolean()).isTrue();
            assertThat(c.get("liveSince").isTextual()).isTrue();
            assertThat(c.get("uptimeSeconds").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(c.get("measuredMissing").asText()).isEqualTo("random compares nothing");
            assertThat(c.get("error").isNull()).isTrue();
        }
    }

    @Test
    @Order(7)
    void healthChecksAreHealthyAndHealthStaysPlain() throws Exception {
        for (String accept : List.of("*/*", "application/json", "text/html", "application/xml;q=0.9")) {
            // A checker that asks for JSON must not read a 406 as a dead mpp.
            HttpResponse<String> health = get(mpp.url() + "/mpp/health", "Accept", accept);
            assertThat(health.statusCode()).as(accept).isEqualTo(200);
            assertThat(health.body()).isEqualTo("OK");
            assertThat(health.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
        }
        HttpResponse<String> checks = get(mpp.adminUrl() + "/healthcheck");
        assertThat(checks.statusCode()).as(checks.body()).isEqualTo(200);
        JsonNode all = JSON.readTree(checks.body());
        assertThat(all.get("selection").get("healthy").asBoolean()).isTrue();
        assertThat(all.get("selection").get("message").asText()).contains("2 of 2 candidate(s) selected");
        assertThat(all.get(locatorName()).get("healthy").asBoolean()).isTrue();
        assertThat(all.get(locatorName()).get("message").asText()).contains("found 2 endpoint(s)");
    }

    @Test
    @Order(7)
    void theMetricsTakeATrailingSlashAndRefuseOtherMethodsInJsonAsTheOtherPathsDo() throws Exception {
        for (String base : new String[] {mpp.url(), mpp.adminUrl()}) {
            HttpResponse<String> slash = get(base + "/mpp/metrics/");
            assertThat(slash.statusCode()).isEqualTo(200);
            assertThat(slash.body()).contains("mpp_selected_backends 2");
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mpp/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET,HEAD,OPTIONS");
            assertThat(post.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(JSON.readTree(post.body()).get("code").asInt()).isEqualTo(405);
        }
    }

    @Test
    @Order(8)
    void aFailingLocatorTurnsItsCheckUnhealthyAndIsCounted() throws Exception {
        Path aside = dir.resolve("endpoints.aside");
        Files.move(endpoints, aside);
        try {
            Await.until(Duration.ofSeconds(30), "the locator's check to fail", () -> {
                HttpResponse<String> checks = get(mpp.adminUrl() + "/healthcheck");
                return checks.statusCode() == 500 && JSON.readTree(checks.body()).get(locatorName())
                        .get("message").asText().contains("cannot read endpoints file");
            });
            JsonNode check = JSON.readTree(get(mpp.adminUrl() + "/healthcheck").body()).get(locatorName());
            assertThat(check.get("healthy").asBoolean()).isFalse();
            assertThat(check.get("message").asText()).contains("keeping the 2 endpoint(s) it found");
            assertThat(metrics().value("mpp_locator_errors_total", "locator", locatorName())).isPositive();
            assertThat(status().get("locators").get(0).get("error").asText()).contains("cannot read endpoints file");
            // The last known endpoints keep serving.
            assertThat(get(mpp.url() + "/api/v1/query?query=up").statusCode()).isEqualTo(200);
            assertThat(get(mpp.url() + "/mpp/status").body()).contains("cannot read endpoints file");
        } finally {
            Files.move(aside, endpoints);
        }
        Await.until(Duration.ofSeconds(30), "the locator's check to recover",
                () -> get(mpp.adminUrl() + "/healthcheck").statusCode() == 200);
    }

    @Test
    @Order(9)
    void aDeadBackendIsShownDownAndAForgottenOneLosesItsGauges() throws Exception {
        b.kill();
        Await.until(Duration.ofSeconds(30), "b to be seen down", () -> {
            Scrape s = metrics();
            return s.value("mpp_backend_up", "backend", b.url()) == 0 && s.value("mpp_selected_backends") == 1;
        });
        Scrape s = metrics();
        assertThat(s.value("mpp_backend_selected", "backend", b.url())).isZero();
        assertThat(s.value("mpp_backend_up", "backend", a.url())).isEqualTo(1);
        JsonNode down = candidate(status(), b.url());
        assertThat(down.get("live").asBoolean()).isFalse();
        assertThat(down.get("selected").asBoolean()).isFalse();
        assertThat(down.get("error").asText()).isNotEmpty();
        assertThat(down.get("uptimeSeconds").isNull()).isTrue();

        Files.writeString(endpoints, a.url() + "\n");
        Await.until(Duration.ofSeconds(30), "b's gauges to go",
                () -> metrics().find("mpp_backend_up", Map.of("backend", b.url())).isEmpty());
        assertThat(metrics().find("mpp_backend_selected", Map.of("backend", b.url()))).isEmpty();
        assertThat(metrics().value("mpp_candidate_backends")).isEqualTo(1);
    }

    @Test
    @Order(10)
    void withNoLiveBackendTheSelectionCheckFailsButLivenessStaysOk() throws Exception {
        a.kill();
        Await.until(Duration.ofSeconds(30), "the selection check to fail", () -> {
            HttpResponse<String> checks = get(mpp.adminUrl() + "/healthcheck");
            return checks.statusCode() == 500 && !JSON.readTree(checks.body()).get("selection").get("healthy")
                    .asBoolean();
        });
        JsonNode selection = JSON.readTree(get(mpp.adminUrl() + "/healthcheck").body()).get("selection");
        assertThat(selection.get("message").asText()).contains("no live backend among 1 candidate(s)", a.url());
        assertThat(get(mpp.url() + "/mpp/health").body()).isEqualTo("OK");

        double before = metrics().value("mpp_requests_total", "backend", "none", "code", "503");
        assertThat(get(mpp.url() + "/api/v1/query?query=up").statusCode()).isEqualTo(503);
        assertThat(metrics().value("mpp_requests_total", "backend", "none", "code", "503")).isEqualTo(before + 1);
        assertThat(metrics().value("mpp_selection_runs_total", "result", "none")).isPositive();
        assertThat(get(mpp.url() + "/mpp/status").body()).contains("no backend: requests get 503");
    }

    /** The status page escapes a file path like any other value. */
    private static final class StatusPageText {
        static String escaped(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                    .replace("'", "&#39;");
        }
    }
}
