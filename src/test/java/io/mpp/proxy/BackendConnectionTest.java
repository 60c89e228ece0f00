package io.mpp.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dropwizard.testing.ConfigOverride;
import io.mpp.proxy.http1.Http1Client;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import io.mpp.testing.RawHttp;
import io.mpp.testing.ScriptedBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * mpp's own connections to plain-http backends, against a backend scripted byte by byte: the HTTP/1.1 answers a
 * proxy must read right (interim, chunked, ended by closing, HEAD), connection reuse and its races, the pool's bound,
 * broken and invalid answers, the exchange timeout, and an answer whose backend leaves the selection meanwhile.
 */
class BackendConnectionTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    @AfterEach
    void close() throws Exception {
        closing.countDown();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private ScriptedBackend backend() throws IOException {
        ScriptedBackend backend = ScriptedBackend.start();
        open.add(backend);
        return backend;
    }

    private MppServer mpp(ScriptedBackend backend, ConfigOverride... overrides) throws Exception {
        MppServer mpp = MppServer.randomlyInFrontOf(dir.resolve("endpoints"), backend.url(), List.of(), overrides);
        open.add(mpp);
        return mpp;
    }

    private static HttpResponse<String> get(MppServer mpp, String pathQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + pathQuery)).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void interimAnswersArePassedOverForTheFinalOne() throws Exception {
        ScriptedBackend backend = backend().on("/early", (request, out) -> {
            out.write("HTTP/1.1 103 Early Hints\r\nLink: </app.js>; rel=preload\r\n\r\n".getBytes(
                    StandardCharsets.ISO_8859_1));
            out.write(ScriptedBackend.ok("final"));
            return true;
        });
        MppServer mpp = mpp(backend);

        HttpResponse<String> r = get(mpp, "/early");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("final");
    }

    @Test
    void interimAnswersOnJettysClientArePassedOverQuietly() throws Exception {
        ScriptedBackend backend = backend().on("/early", (request, out) -> {
            out.write("HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </app.js>; rel=preload\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(ScriptedBackend.ok("final"));
            return true;
        });
        // A body over the retry limit goes once, streamed, on Jetty's HTTP client rather than mpp's own.
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.retryBodyLimit", "1KiB"));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/early"))
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("q".repeat(2000)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("final");
        } finally {
            root.detachAppender(log);
        }
        // Jetty's proxy flow looked for request attributes mpp does not set, and logged a NullPointerException.
        assertThat(log.list).noneMatch(e -> e.getThrowableProxy() != null);
    }

    @Test
    void anAnswerEndedByClosingArrivesWhole() throws Exception {
        String body = "x".repeat(300_000);
        ScriptedBackend backend = backend().on("/eof", (request, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
            return false;
        });
        MppServer mpp = mpp(backend);

        HttpResponse<String> r = get(mpp, "/eof");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void aChunkedAnswerArrivesWholeAndTheConnectionIsKept() throws Exception {
        ScriptedBackend backend = backend().on("/chunked", (request, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return true;
        });
        MppServer mpp = mpp(backend);

        for (int i = 0; i < 3; i++) {
            assertThat(get(mpp, "/chunked").body()).isEqualTo("hello world");
        }
        assertThat(backend.received()).extracting(ScriptedBackend.Received::connection).containsOnly(
                backend.received().get(0).connection());
    }

    @Test
    void aHeadAnswerHasNoBodyToWaitFor() throws Exception {
        ScriptedBackend backend = backend()
                .on("/head", (request, out) -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    return true;
                })
                .on("/next", (request, out) -> {
                    out.write(ScriptedBackend.ok("next"));
                    return true;
                });
        MppServer mpp = mpp(backend);

        HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/head"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue("1000");
        assertThat(get(mpp, "/next").body()).isEqualTo("next");
        List<ScriptedBackend.Received> got = backend.received();
        assertThat(got.get(1).connection()).as("the connection outlived the HEAD answer")
                .isEqualTo(got.get(0).connection());
    }

    @Test
    void aConnectionTheBackendClosedAfterAnAnswerCostsNoRequest() throws Exception {
        // The backend closes without saying so first, as on its keep-alive timeout: the next request may be on its way
        // on that very connection. It must be sent again on a new one, not failed.
        ScriptedBackend backend = backend()
                .on("/then-close", (request, out) -> {
                    out.write(ScriptedBackend.ok("closing"));
                    return false;
                })
                .on("/next", (request, out) -> {
                    out.write(ScriptedBackend.ok("next"));
                    return true;
                });
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.maxRetries", "0"));

        for (int i = 0; i < 30; i++) {
            assertThat(get(mpp, "/then-close").statusCode()).isEqualTo(200);
            HttpResponse<String> next = get(mpp, "/next");
            assertThat(next.statusCode()).as("request %d after a close", i).isEqualTo(200);
            assertThat(next.body()).isEqualTo("next");
        }
    }

    @Test
    void aRequestWhoseBackendClosesTheConnectionWhileOnItIsNotSentToItAgain() throws Exception {
        // As a query that crashes what serves it does (a handler's panic closes the connection unanswered). Sent
        // again, it would do so twice: only a close that crosses the request, as an idle close does, is a reason to.
        ScriptedBackend backend = backend()
                .on("/warm", (request, out) -> {
                    out.write(ScriptedBackend.ok("warm"));
                    return true;
                })
                .on("/crash", (request, out) -> {
                    Thread.sleep(Http1Client.STALE_CLOSE_WINDOW.toMillis() + 200);
                    return false;
                });
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.maxRetries", "0"),
                ConfigOverride.config("proxy.maxConnectionsPerBackend", "1"));
        assertThat(get(mpp, "/warm").statusCode()).isEqualTo(200); // the connection has carried an answer

        HttpResponse<String> crashed = get(mpp, "/crash");

        assertThat(crashed.statusCode()).isEqualTo(502);
        assertThat(backend.received().stream().filter(r -> r.target().equals("/crash"))).hasSize(1);
    }

    @Test
    void theRequestBodyGoesWithItsLengthAndTheTargetAsTheClientSentIt() throws Exception {
        ScriptedBackend backend = backend().on("/api/v1/query_range", (request, out) -> {
            out.write(ScriptedBackend.ok("got " + request.body().length));
            return true;
        });
        MppServer mpp = mpp(backend);
        byte[] form = ("query=" + "a".repeat(5000)).getBytes(StandardCharsets.US_ASCII);

        // Of unknown length (chunked) from the client: the backend gets it with a Content-Length.
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/query_range"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(form)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("got " + form.length);
        ScriptedBackend.Received got = backend.received().get(0);
        assertThat(got.body()).isEqualTo(form);
        assertThat(got.header("Content-Length")).isEqualTo(String.valueOf(form.length));
        assertThat(got.header("Transfer-Encoding")).isNull();

        String target = "/api/v1/query_range?query=up%7Bjob%3D%22a%22%7D&match[]={x}";
        String raw = raw(mpp, "GET " + target + " HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 200");
        assertThat(backend.received().get(1).target()).isEqualTo(target);
    }

    /** The bytes of a text in UTF-8, as the ISO-8859-1 string the raw requests and the scripted backend use. */
    private static String wire(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aTargetWithUtf8GoesToThePlainHttpBackendByteForByte() throws Exception {
        ScriptedBackend backend = backend().on("/api/v1/query_range", (request, out) -> {
            out.write(ScriptedBackend.ok("fine"));
            return true;
        });
        MppServer mpp = mpp(backend);
        // Raw, as some clients send it: a label value in UTF-8 (2, 3 and 4 bytes) and PromQL's braces.
        String target = wire("/api/v1/query_range?query=label_replace(up,\"x\",\"é日😀\",\"\",\"\")&m={job=\"a\"}");
        String raw = raw(mpp, "GET " + target + " HTTP/1.1\r\nHost: mpp\r\nConnection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 200");
        assertThat(backend.received().get(0).target()).isEqualTo(target);
    }

    @Test
    void aTargetThatJavasUriRefusesIsEscapedForJettysClient() throws Exception {
        ScriptedBackend backend = backend().on("/api/v1/query_range", (request, out) -> {
            out.write(ScriptedBackend.ok("got " + request.body().length));
            return true;
        });
        // A body over retryBodyLimit is streamed through Jetty's HTTP client, which parses the URL with java.net.URI.
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.retryBodyLimit", "1KiB"));
        String body = "pad=" + "x".repeat(2000);
        String target = wire("/api/v1/query_range?query=up{job=\"é\"}|x^`\\<>&match[]=a");
        String raw = raw(mpp, "POST " + target + " HTTP/1.1\r\n"
                + "Host: mpp\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        assertThat(raw).startsWith("HTTP/1.1 200").endsWith("got " + body.length());
        assertThat(backend.received().get(0).target())
                .isEqualTo("/api/v1/query_range?query=up%7Bjob=%22%C3%A9%22%7D%7Cx%5E%60%5C%3C%3E&match[]=a");
    }

    @Test
    void anInvalidAnswerIsABadGatewayNamingTheProblem() throws Exception {
        ScriptedBackend backend = backend().on("/garbage", (request, out) -> {
            out.write("HTTP/1.1 2OO NOT OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        });
        MppServer mpp = mpp(backend);

        HttpResponse<String> r = get(mpp, "/garbage");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"errorType\":\"unavailable\"").contains("not valid HTTP/1.1");
    }

    @Test
    void anAnswerBrokenOffAfterItStartedCutsTheClientsConnection() throws Exception {
        ScriptedBackend backend = backend().on("/broken", (request, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "y".repeat(20_000))
                    .getBytes(StandardCharsets.ISO_8859_1));
            return false;
        });
        MppServer mpp = mpp(backend);

        assertThatThrownBy(() -> get(mpp, "/broken")).isInstanceOf(IOException.class);
    }

    @Test
    void atMostTheConfiguredConnectionsAreOpenAndTheOtherRequestsWait() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger arrived = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ScriptedBackend backend = backend().on("/slow", (request, out) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            arrived.incrementAndGet();
            release.await(30, TimeUnit.SECONDS);
            inFlight.decrementAndGet();
            out.write(ScriptedBackend.ok("slow"));
            return true;
        });
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.maxConnectionsPerBackend", "2"));

        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(mpp.url() + "/slow"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Await.until(Duration.ofSeconds(10), "two requests at the backend", () -> arrived.get() == 2);
        release.countDown();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            assertThat(answer.get(30, TimeUnit.SECONDS).body()).isEqualTo("slow");
        }
        assertThat(most.get()).isEqualTo(2);
        assertThat(backend.received()).hasSize(6);
        assertThat(backend.received().stream().map(ScriptedBackend.Received::connection).distinct()).hasSize(2);
    }

    @Test
    void theExchangeTimeoutEndsAnAnswerThatDoesNotStart() throws Exception {
        ScriptedBackend backend = backend().on("/hang", (request, out) -> {
            closing.await();
            return false;
        });
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.responseTimeout", "1s"));

        long start = System.nanoTime();
        HttpResponse<String> r = get(mpp, "/hang");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("\"errorType\":\"timeout\"").contains("exchange timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(get(mpp, "/api/v1/query?query=up").statusCode()).as("a slow backend stays in rotation")
                .isEqualTo(200);
    }

    @Test
    void theExchangeTimeoutCutsAnAnswerThatStalls() throws Exception {
        ScriptedBackend backend = backend().on("/stall", (request, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "z".repeat(1000))
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            closing.await();
            return false;
        });
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.responseTimeout", "1s"));

        assertThatThrownBy(() -> get(mpp, "/stall")).isInstanceOf(IOException.class);
    }

    @Test
    void anAnswerWhoseHeadCameAndNothingElseEndsInAnErrorAnswerAtTheIdleTimeout() throws Exception {
        ScriptedBackend backend = backend().on("/head-only", (request, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            closing.await();
            return false;
        });
        // The exchange timeout passes first; nothing of the answer went out, so the client still gets a whole one.
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.responseTimeout", "1s"),
                ConfigOverride.config("proxy.idleTimeout", "2s"));

        HttpResponse<String> r = get(mpp, "/head-only");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("Content-Length")).isNotEqualTo(Optional.of("100000"));
        assertThat(r.body()).startsWith("{\"status\":\"error\",\"errorType\":\"unavailable\"")
                .contains("broke off its answer");
    }

    @Test
    void anAnswerUnderWayFinishesWhenItsBackendLeavesTheSelection() throws Exception {
        CountDownLatch rest = new CountDownLatch(1);
        String first = "a".repeat(20_000);
        String second = "b".repeat(20_000);
        ScriptedBackend leaving = backend().on("/stream", (request, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            rest.await(30, TimeUnit.SECONDS);
            out.write((Integer.toHexString(second.length()) + "\r\n" + second + "\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return true;
        });
        ScriptedBackend staying = backend();
        MppServer mpp = mpp(leaving, ConfigOverride.config("selection.interval", "200ms"));
        HttpResponse<InputStream> answer = HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/stream"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(answer.statusCode()).isEqualTo(200);
        byte[] begun = answer.body().readNBytes(first.length());

        // The endpoints file now names only the other backend: the next selection drops the answering one.
        Files.writeString(dir.resolve("endpoints"), staying.url() + "\n");
        Await.until(Duration.ofSeconds(20), "the selection to leave the answering backend", () -> staying.url()
                .equals(get(mpp, "/api/v1/query?query=up").headers().firstValue("MPP.ServedBy").orElse(null)));
        rest.countDown();

        try (InputStream body = answer.body()) {
            assertThat(new String(begun, StandardCharsets.ISO_8859_1) + new String(body.readAllBytes(),
                    StandardCharsets.ISO_8859_1)).isEqualTo(first + second);
        }
        assertThat(answer.headers().firstValue("MPP.ServedBy")).contains(leaving.url());
    }

    private static String raw(MppServer mpp, String request) throws IOException {
        return RawHttp.exchange(mpp.url(), request);
    }
}
