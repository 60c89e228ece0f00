package io.mpp.selection;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mpp.discovery.Endpoint;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The probe against a loopback backend whose {@code /metrics} is far larger than a Prometheus usually serves. */
class PrometheusProbeTest {

    private static final byte[] UP = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"
            .getBytes(StandardCharsets.UTF_8);
    /** Generous: the assertions are on what the probe found, never on how long it took. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Jetty's debug lines for each chunk of 30 MiB would be most of the test's time and a 150 MB report. */
    private final Logger jetty = (Logger) LoggerFactory.getLogger("org.eclipse.jetty");
    private final Level jettyLevel = jetty.getLevel();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient client = new HttpClient();
    private HttpServer backend;
    /** What /metrics answers; null: nothing until the test ends. */
    private volatile Metrics metrics;
    /** What the liveness query answers: its status, or nothing until the test ends (0). */
    private volatile int queryStatus = 200;
    /** The body of the liveness query's answer. */
    private volatile String queryBody = new String(UP, StandardCharsets.UTF_8);

    /** Holds a stalled /metrics answer open until the test ends. */
    private final CountDownLatch released = new CountDownLatch(1);

    /**
     * What {@code /metrics} answers: the body's size, whether its length is announced up front, and whether it stalls
     * after half of it.
     */
    private record Metrics(int status, long size, boolean announced, boolean stalls) {

        Metrics(int status, long size, boolean announced) {
            this(status, size, announced, false);
        }
    }

    @BeforeEach
    void start() throws Exception {
        jetty.setLevel(Level.INFO);
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.setExecutor(threads);
        backend.createContext("/api/v1/query", this::serveQuery);
        backend.createContext("/metrics", this::serveMetrics);
        backend.start();
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        released.countDown();
        client.stop();
        backend.stop(0);
        threads.shutdownNow();
        jetty.setLevel(jettyLevel);
    }

    @Test
    void factsOfA30MibBodyWithTheWantedMetricsAmongOthers() throws Exception {
        metrics = new Metrics(200, 30L * 1024 * 1024, false);

        Candidate candidate = probe();

        assertThat(candidate.live()).isTrue();
        assertThat(candidate.facts().samples()).isEqualTo(Reading.of(BackendFacts.SAMPLES_2X, 1005));
        assertThat(candidate.facts().oldestData()).isEqualTo(Reading.of(BackendFacts.OLDEST_2X, 1.7e9));
    }

    @Test
    void aBodyOverTheCapLeavesTheBackendLiveButUnrankedAndSaysWhy() throws Exception {
        for (boolean announced : new boolean[] {true, false}) {
            metrics = new Metrics(200, FactsFetch.MAX_BODY + 100, announced);

            Candidate candidate = probe();

            assertThat(candidate.live()).isTrue();
            assertThat(candidate.facts().samples().present()).isFalse();
            assertThat(candidate.facts().samples().missing()).startsWith("/metrics: its body")
                    .contains("larger than the 33554432 bytes the probe reads");
        }
    }

    @Test
    void aFailedMetricsAnswerLeavesTheBackendLiveButUnranked() throws Exception {
        metrics = new Metrics(404, 1000, true);

        Candidate candidate = probe();

        assertThat(candidate.live()).isTrue();
        assertThat(candidate.facts().oldestData().missing()).isEqualTo("/metrics: answered HTTP 404");
    }

    @Test
    void aMetricsBodyThatStallsGivesUnknownFactsAtTheTimeoutAndTheBackendStaysLive() throws Exception {
        metrics = new Metrics(200, 1024 * 1024, true, true);

        Candidate candidate = probe(Duration.ofSeconds(2));

        assertThat(candidate.live()).isTrue();
        assertThat(candidate.facts().samples().missing()).isEqualTo("/metrics: no answer within 2000 ms");
    }

    @Test
    void aQueryThatFindsNoTimeWhileMetricsAnswersIsDownButAnswering() throws Exception {
        // Prometheus with its query engine full: the probe's query waits in line, /metrics is served at once.
        metrics = new Metrics(200, 1000, true);
        queryStatus = 0;

        Candidate candidate = probe(Duration.ofMillis(500));

        assertThat(candidate.live()).isFalse();
        assertThat(candidate.error()).isEqualTo("query 'count(up)': no answer within 500 ms");
        assertThat(candidate.answering()).as("busy, not hung").isTrue();
        assertThat(candidate.busy()).isTrue();
    }

    @Test
    void aMetricsHeadInTimeWithItsBodyLateIsAnsweringToo() throws Exception {
        metrics = new Metrics(200, 1000, true, true); // the head and half the body come, then nothing
        queryStatus = 0;

        Candidate candidate = probe(Duration.ofMillis(500));

        assertThat(candidate.live()).isFalse();
        assertThat(candidate.answering()).as("its /metrics answered in time").isTrue();
        assertThat(candidate.busy()).isTrue();
    }

    @Test
    void aQueryAnsweredWithAnErrorIsAnsweringToo() throws Exception {
        metrics = null; // only the query answers
        queryStatus = 503; // starting up

        Candidate candidate = probe(Duration.ofMillis(500));

        assertThat(candidate.live()).isFalse();
        assertThat(candidate.error()).isEqualTo("query 'count(up)': answered HTTP 503");
        assertThat(candidate.answering()).isTrue();
        assertThat(candidate.busy()).as("an error answer is no queue to wait in").isFalse();
    }

    @Test
    void aBackendThatAnswersNothingIsSilent() throws Exception {
        metrics = null; // no head of /metrics either
        queryStatus = 0;

        Candidate candidate = probe(Duration.ofMillis(500));

        assertThat(candidate.live()).isFalse();
        assertThat(candidate.answering()).as("hung: requests waiting on it may move").isFalse();
        assertThat(candidate.busy()).isFalse();
    }

    @Test
    void aSuccessAnswerWrittenWithSpacesIsLive() throws Exception {
        // As a proxy that re-serialises the JSON, or another Prometheus-compatible API, writes it.
        metrics = new Metrics(200, 1000, true);
        queryBody = "{\n  \"status\": \"success\",\n  \"data\": {\"resultType\": \"vector\", \"result\": []}\n}";

        Candidate candidate = probe();

        assertThat(candidate.live()).isTrue();
        assertThat(candidate.error()).isNull();
    }

    @Test
    void aBackendsErrorTextStaysOnOneLineOfTheLog() throws Exception {
        metrics = new Metrics(200, 1000, true);
        queryBody = "{\"status\":\"error\",\"error\":\"bad\\nINFO  [fake] forged log line\\r\\n\"}";

        assertThat(probe().error()).isEqualTo("query 'count(up)' answered an error: bad INFO [fake] forged log line");
    }

    @Test
    void onlyATopLevelStatusOfSuccessIsLive() throws Exception {
        metrics = new Metrics(200, 1000, true);
        queryBody = "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query processing failed\","
                + "\"data\":{\"status\":\"success\"}}";

        Candidate candidate = probe();

        assertThat(candidate.live()).isFalse();
        assertThat(candidate.error()).isEqualTo("query 'count(up)' answered an error: query processing failed");
        assertThat(candidate.answering()).isTrue();

        queryBody = "{\"data\":{\"status\":\"success\"}}";
        assertThat(probe().error()).isEqualTo("query 'count(up)' answered JSON without a top-level \"status\"");
        queryBody = "{\"status\":\"Success\"}";
        assertThat(probe().error()).isEqualTo("query 'count(up)' answered \"status\":\"Success\", not \"success\"");
        queryBody = "[{\"status\":\"success\"}]";
        assertThat(probe().error()).isEqualTo("query 'count(up)' answered JSON that is not an object: "
                + "[{\"status\":\"success\"}]");
        queryBody = "{\"status\":\"error\"}";
        assertThat(probe().error()).isEqualTo("query 'count(up)' answered \"status\":\"error\" without an error text");
    }

    @Test
    void aBodyThatIsNoJsonSaysSo() throws Exception {
        metrics = new Metrics(200, 1000, true);
        for (String body : new String[] {"<html>\"status\":\"success\"</html>", "{\"status\":\"success\"",
                "{\"status\":\"success\"} trailing", ""}) {
            queryBody = body;

            Candidate candidate = probe();

            assertThat(candidate.live()).as(body).isFalse();
            assertThat(candidate.error()).as(body).startsWith("query 'count(up)' answered no valid JSON: ")
                    .doesNotContain("Source");
            assertThat(candidate.answering()).as(body).isTrue();
        }
    }

    private Candidate probe() throws Exception {
        return probe(TIMEOUT);
    }

    private Candidate probe(Duration timeout) throws Exception {
        Endpoint endpoint = Endpoint.parse("http://127.0.0.1:" + backend.getAddress().getPort(), "test");
        return new PrometheusProbe(client, timeout).probe(endpoint).get();
    }

    private void serveQuery(HttpExchange exchange) throws IOException {
        int status = queryStatus;
        if (status == 0) {
            awaitRelease();
            exchange.close();
            return;
        }
        answer(exchange, status, queryBody.getBytes(StandardCharsets.UTF_8));
    }

    /** Nothing until the test ends, as from a process that is stopped (kill -STOP). */
    private void awaitRelease() {
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serveMetrics(HttpExchange exchange) throws IOException {
        Metrics m = metrics;
        if (m == null) {
            awaitRelease();
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
        exchange.sendResponseHeaders(m.status(), m.announced() ? m.size() : 0);
        try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody(), 64 * 1024)) {
            if (m.stalls()) {
                writeExposition(out, m.size() / 2);
                out.flush();
                released.await();
            } else {
                writeExposition(out, m.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The probe stopped reading a body it will not use.
        }
    }

    /** Exactly {@code size} bytes: other metrics, the samples counter in the middle, the oldest data at the end. */
    private static void writeExposition(OutputStream out, long size) throws IOException {
        String last = "prometheus_tsdb_lowest_timestamp_seconds 1.7e+09\n";
        long written = 0;
        written += write(out, "# TYPE prometheus_tsdb_head_samples_appended_total_other counter\n"
                + "prometheus_tsdb_head_samples_appended_total_other 7\n");
        int series = 0;
        boolean middle = false;
        while (written < size - last.length()) {
            if (!middle && written >= size / 2) {
                written += write(out, "prometheus_tsdb_head_samples_appended_total{type=\"float\"} 1000\n"
                        + "prometheus_tsdb_head_samples_appended_total{type=\"histogram\"} 5\n");
                middle = true;
                continue;
            }
            String line = "prometheus_target_interval_length_seconds{pool=\"job-" + series++ + "\"} 15.0001\n";
            long room = size - last.length() - written;
            // Pads the final other line (with a comment) so that the body has exactly the size asked for.
            written += write(out, line.length() <= room ? line : "#".repeat((int) room - 1) + "\n");
        }
        write(out, last);
    }

    private static int write(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        return bytes.length;
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
