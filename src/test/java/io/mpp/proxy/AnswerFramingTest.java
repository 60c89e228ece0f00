package io.mpp.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.MppServer;
import io.mpp.testing.RawHttp;
import io.mpp.testing.Scrape;
import io.mpp.testing.ScriptedBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What of an answer's framing and a request's headers mpp states or passes on, on both transports: mpp's own
 * HTTP/1.1 client (small bodies) and Jetty's (a body over {@code retryBodyLimit}, here 1 KiB, streamed through).
 */
class AnswerFramingTest {

    /** Over the retry body limit of {@link #mpp}: such a POST goes through Jetty's HTTP client. */
    private static final String LARGE_FORM = "query=up&pad=" + "x".repeat(2000);

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A backend that answers {@code path} with {@code answer} and keeps the connection, as Prometheus does. */
    private ScriptedBackend backend(String path, String answer) throws IOException {
        ScriptedBackend backend = ScriptedBackend.start().on(path, (request, out) -> {
            out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
            return true;
        });
        open.add(backend);
        return backend;
    }

    private MppServer mpp(ScriptedBackend backend, ConfigOverride... overrides) throws Exception {
        MppServer mpp = MppServer.randomlyInFrontOf(dir.resolve("endpoints"), backend.url(),
                List.of(ConfigOverride.config("proxy.retryBodyLimit", "1KiB")), overrides);
        open.add(mpp);
        return mpp;
    }

    private static String get(MppServer mpp, String path) throws IOException {
        return RawHttp.exchange(mpp.url(), "GET " + path + " HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n\r\n");
    }

    /**
     * The answers to a GET of {@code path} (mpp's own client) and to a large POST of it (Jetty's), each from an mpp
     * of its own: a bad answer takes its backend out of the selection until the next one.
     */
    private List<String> onBothTransports(ScriptedBackend backend, String path) throws Exception {
        List<String> answers = new ArrayList<>();
        for (boolean large : new boolean[] {false, true}) {
            try (MppServer mpp = mpp(backend, ConfigOverride.config("proxy.maxRetries", "0"))) {
                answers.add(large ? largePost(mpp, path, "text/plain") : get(mpp, path));
                Scrape metrics = Scrape.of(mpp.url() + "/mpp/metrics");
                assertThat(metrics.value("mpp_requests_total", "backend", backend.url(), "code", "502"))
                        .as("counted as the 502 it is: %s", metrics.find("mpp_requests_total", Map.of()))
                        .isEqualTo(1);
            }
        }
        return answers;
    }

    private static String largePost(MppServer mpp, String path, String contentType) throws IOException {
        return RawHttp.exchange(mpp.url(), "POST " + path + " HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + LARGE_FORM.length() + "\r\n\r\n" + LARGE_FORM);
    }

    @Test
    void aHeadAnswerWithoutLengthGetsNoneMadeUp() throws Exception {
        // A HEAD answer's Content-Length states the GET answer's length; this backend does not know it.
        ScriptedBackend backend = backend("/nolength", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
        MppServer mpp = mpp(backend);

        String answer = RawHttp.exchange(mpp.url(),
                "HEAD /nolength HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: text/plain")
                .doesNotContainIgnoringCase("content-length");
    }

    @Test
    void a204WithAStatedLengthReachesTheClientAsA204() throws Exception {
        // Not allowed of a backend (RFC 9110 8.6); passed on, the length made Jetty end the answer with its own 500.
        ScriptedBackend backend = backend("/nocontent", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n");
        MppServer mpp = mpp(backend);
        for (String answer : List.of(get(mpp, "/nocontent"), largePost(mpp, "/nocontent", "text/plain"),
                RawHttp.exchange(mpp.url(), "HEAD /nocontent HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n\r\n"))) {
            assertThat(answer).startsWith("HTTP/1.1 204").doesNotContainIgnoringCase("content-length");
        }
        Scrape metrics = Scrape.of(mpp.url() + "/mpp/metrics");
        assertThat(metrics.value("mpp_requests_total", "backend", backend.url(), "code", "204")).isEqualTo(3);
    }

    @Test
    void anAnswerInATransferCodingOtherThanChunkedIsABadGateway() throws Exception {
        // gzip-coded chunks: passed on as plain bytes, they would reach the client garbled and undeclared.
        ScriptedBackend backend = backend("/coded", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + "4\r\n\u001f\u008b\u0008\u0000\r\n0\r\n\r\n");
        for (String answer : onBothTransports(backend, "/coded")) {
            assertThat(answer).startsWith("HTTP/1.1 502")
                    .contains("transfer coding 'gzip, chunked'; mpp passes on chunked only");
        }
    }

    @Test
    void anAnswerHeadTooLongForTheClientsConnectorIsABadGatewayNotAnErrorPageCountedAsSuccess() throws Exception {
        // Dropwizard's connector writes heads of up to 8 KiB (maxResponseHeaderSize); this one has 12.
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n");
        for (int i = 0; i < 120; i++) {
            head.append("X-Filler-").append(i).append(": ").append("v".repeat(90)).append("\r\n");
        }
        ScriptedBackend backend = backend("/big", head + "\r\nok");
        for (String answer : onBothTransports(backend, "/big")) {
            assertThat(answer).startsWith("HTTP/1.1 502").contains("\"errorType\":\"unavailable\"");
        }
    }

    @Test
    void aBadAnswerToAStreamedBodyIsABadGatewayNotAClientThatLeft() throws Exception {
        // The backend answers before the body has come (it reads no chunked body); the client is still sending.
        ScriptedBackend backend = backend("/early", "HTTP/1.1 2OO NOT OK\r\n\r\n");
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.maxRetries", "0"));

        String answer = RawHttp.exchange(mpp.url(), "POST /early HTTP/1.1\r\nHost: mpp\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(LARGE_FORM.length()) + "\r\n"
                + LARGE_FORM + "\r\n"); // and no last chunk: the body goes on as far as the backend knows
        assertThat(answer).startsWith("HTTP/1.1 502").contains("not valid HTTP/1.1");
        Scrape metrics = Scrape.of(mpp.url() + "/mpp/metrics");
        assertThat(metrics.value("mpp_requests_total", "backend", backend.url(), "code", "502")).isEqualTo(1);
        assertThat(metrics.value("mpp_requests_total", "backend", backend.url(), "code", "499")).isZero();
    }

    @Test
    void aBodyWithoutContentTypeGoesWithoutOne() throws Exception {
        ScriptedBackend backend = backend("/echo", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        MppServer mpp = mpp(backend);

        assertThat(largePost(mpp, "/echo", null)).startsWith("HTTP/1.1 200");
        assertThat(largePost(mpp, "/echo", "application/x-www-form-urlencoded")).startsWith("HTTP/1.1 200");
        List<ScriptedBackend.Received> got = backend.received();
        assertThat(got.get(0).body()).hasSize(LARGE_FORM.length());
        assertThat(got.get(0).header("Content-Type")).isNull();
        assertThat(got.get(1).header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    }
}
