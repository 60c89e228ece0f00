package io.mpp.proxy;

import static io.mpp.testing.RawHttp.get;
import static io.mpp.testing.RawHttp.readAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.MppServer;
import io.mpp.testing.RecordingBackend;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.Invocable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What mpp sends to a backend and how it passes answers back, seen from a backend that records requests. */
class ProxyBehaviourTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static RecordingBackend backend;
    static MppServer mpp;

    @BeforeAll
    static void start() throws Exception {
        backend = RecordingBackend.start("/prom");
        Path endpoints = Files.writeString(dir.resolve("endpoints"), backend.url() + "/\n");
        mpp = MppServer.start(ConfigOverride.config("locators[0].path", endpoints.toString()));
    }

    @AfterAll
    static void stop() {
        mpp.close();
        backend.close();
    }

    private int before;

    @BeforeEach
    void mark() {
        before = backend.received().size();
    }

    private RecordingBackend.Received last() {
        List<RecordingBackend.Received> all = backend.received();
        assertThat(all.size()).as("requests that reached the backend").isEqualTo(before + 1);
        return all.get(all.size() - 1);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void keepsTheBackendsPathPrefixAndTheRawQuery() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(
                mpp.url() + "/api/v1/query?query=sum%28rate%28x%5B5m%5D%29%29&time=1.5")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("MPP.ServedBy")).hasValue(backend.url());
        assertThat(last().pathAndQuery()).isEqualTo("/prom/api/v1/query?query=sum%28rate%28x%5B5m%5D%29%29&time=1.5");
    }

    @Test
    void passesPostFormBodiesAndMethods() throws Exception {
        String form = "query=" + "x".repeat(20_000) + "&start=1&end=2&step=1";
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/query_range"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(r.body()).contains("\"POST\"");
        RecordingBackend.Received got = last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.body()).isEqualTo(form);
        assertThat(got.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");

        before = backend.received().size();
        HttpResponse<String> delete =
                send(HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/admin/tsdb/x")).DELETE());
        assertThat(delete.body()).contains("\"DELETE\"");
        assertThat(last().method()).isEqualTo("DELETE");
    }

    @Test
    void appendsToXForwardedForAndSetsProtoAndHostOnlyWhenAbsent() throws Exception {
        send(HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/labels")));
        RecordingBackend.Received plain = last();
        assertThat(plain.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(plain.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(plain.header("X-Forwarded-Host")).isEqualTo(URI.create(mpp.url()).getAuthority());

        before = backend.received().size();
        send(HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/labels"))
                .header("X-Forwarded-For", "203.0.113.7, 198.51.100.2")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "grafana.example"));
        RecordingBackend.Received proxied = last();
        assertThat(proxied.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 198.51.100.2, 127.0.0.1");
        assertThat(proxied.header("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(proxied.header("X-Forwarded-Host")).isEqualTo("grafana.example");
    }

    @Test
    void streamsTheAnswerInsteadOfBufferingIt() throws Exception {
        // The backend sends its first half, then waits until this test has read that half through mpp.
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/stream"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (InputStream body = r.body()) {
            byte[] first = body.readNBytes(RecordingBackend.STREAM_FIRST_HALF.length());
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(RecordingBackend.STREAM_FIRST_HALF);
            backend.finishStream();
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(RecordingBackend.STREAM_SECOND_HALF);
        }
    }

    /** One request written as raw bytes (headers java.net.http refuses to send), answered on a closed connection. */
    private static String raw(String request) throws Exception {
        URI base = URI.create(mpp.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aKeptAliveConnectionTakesRequestsOneAfterAnotherAndPipelined() throws Exception {
        URI base = URI.create(mpp.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(get("/api/v1/labels?n=1", false));
            assertThat(readAnswer(in)).startsWith("HTTP/1.1 200");
            // The connection waits for its next request after an answer; it must notice this one.
            out.write(get("/api/v1/labels?n=2", false));
            assertThat(readAnswer(in)).startsWith("HTTP/1.1 200");
            // Two requests in one write: the second is read along with the first and waits in mpp's buffer.
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(get("/api/v1/labels?n=3", false));
            both.write(get("/api/v1/labels?n=4", true));
            out.write(both.toByteArray());
            assertThat(readAnswer(in)).startsWith("HTTP/1.1 200");
            assertThat(readAnswer(in)).startsWith("HTTP/1.1 200");
        }
        assertThat(backend.received().subList(before, backend.received().size()))
                .extracting(RecordingBackend.Received::pathAndQuery)
                .containsExactly("/prom/api/v1/labels?n=1", "/prom/api/v1/labels?n=2", "/prom/api/v1/labels?n=3",
                        "/prom/api/v1/labels?n=4");
    }

    @Test
    void theBackendGetsItsOwnHostAndNoHopByHopHeaders() throws Exception {
        String answer = raw("GET /api/v1/labels HTTP/1.1\r\nHost: mpp.example:9090\r\n"
                + "Connection: close, X-Hop-Only\r\nX-Hop-Only: 1\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Authorization: Basic c2VjcmV0\r\nX-End-To-End: 2\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200");
        RecordingBackend.Received got = last();
        assertThat(got.header("Host")).isEqualTo(URI.create(backend.url()).getAuthority());
        assertThat(got.header("X-Forwarded-Host")).isEqualTo("mpp.example:9090");
        assertThat(got.header("X-End-To-End")).isEqualTo("2");
        assertThat(got.header("X-Hop-Only")).as("named by Connection").isNull();
        assertThat(got.header("Keep-Alive")).isNull();
        assertThat(got.header("Proxy-Authorization")).isNull();
    }

    @Test
    void aTargetThatIsNoURIIsABadRequestNotAnError() throws Exception {
        String answer = raw("GET /api/v1/query?query=%zz HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(answer).contains("\"errorType\":\"bad_data\"");
        assertThat(backend.received()).hasSize(before);
    }

    @Test
    void pathsThatOnlyTheBackendCanJudgeArePassedOnAsTheyCame() throws Exception {
        // Jetty refuses these by default (ambiguous once decoded); mpp never decodes a path it passes on, and
        // Prometheus redirects the first kind ("$URL/api/..." with a URL that ends in a slash).
        List<String> targets = List.of("//api/v1/query?query=up", "/api//v1/labels", "/api/v1/label/a%2Fb/values",
                "/api/v1/%2e%2e/v1/labels", "/api/v1/..;/labels", "/api/v1/a%252F");
        for (String target : targets) {
            assertThat(raw("GET " + target + " HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n\r\n"))
                    .as(target).startsWith("HTTP/1.1 200");
            assertThat(last().pathAndQuery()).isEqualTo("/prom" + target);
            before = backend.received().size();
        }
        // The same through Jetty's HTTP client, which carries bodies too large to keep for a retry.
        String form = "query=up&pad=" + "x".repeat(1_100_000);
        assertThat(raw("POST //api/v1/query HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n"
                + form)).startsWith("HTTP/1.1 200");
        assertThat(last().pathAndQuery()).isEqualTo("/prom//api/v1/query");
    }

    @Test
    void mppsOwnPathsKeepTheServletChecks() throws Exception {
        assertThat(raw("GET /mpp//health HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(backend.received()).hasSize(before);
    }

    @Test
    void proxiedRequestsRunWithoutAThreadHandOff() {
        // A blocking handler anywhere above the proxy would make Jetty hand every request to a pool thread.
        Server server = mpp.app().getEnvironment().getApplicationContext().getServer();
        assertThat(server.getInvocationType()).isEqualTo(Invocable.InvocationType.NON_BLOCKING);
    }

    @Test
    void mppsOwnPathsAreNotProxied() throws Exception {
        HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create(mpp.url() + "/mpp/health")));
        assertThat(health.body()).isEqualTo("OK");
        assertThat(backend.received()).hasSize(before);
    }
}
