package io.mpp.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import io.mpp.testing.RawHttp;
import io.mpp.testing.ScriptedBackend;
import io.mpp.testing.Scrape;
import io.mpp.testing.UnreadBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that goes away before its answer starts or in the middle of a large one, or stops reading it: mpp gives
 * the backend connection up, so the pool's place is free for the next request (one connection per backend here, so
 * a connection kept would stall every later request), and it never holds more of the answer than the client took.
 */
class DepartingClientTest {

    /** Far more than the socket buffers and mpp's own buffers on both sides can hold. */
    private static final int ANSWER_BYTES = 256 << 20;
    private static final byte[] PIECE = "m".repeat(64 << 10).getBytes(StandardCharsets.ISO_8859_1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean headSent = new AtomicBoolean();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A backend whose {@code /large} writes {@link #ANSWER_BYTES} as fast as it is taken, counting what it wrote. */
    private ScriptedBackend backend() throws IOException {
        ScriptedBackend backend = ScriptedBackend.start().on("/large", (request, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + ANSWER_BYTES + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (int sent = 0; sent < ANSWER_BYTES; sent += PIECE.length) {
                out.write(PIECE);
                written.addAndGet(PIECE.length);
            }
            return true;
        }).on("/pending", (request, out) -> true).on("/head-only", (request, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            headSent.set(true);
            return true;
        }).on("/small", (request, out) -> {
            out.write(ScriptedBackend.ok("small"));
            return true;
        });
        open.add(backend);
        return backend;
    }

    private MppServer mpp(ScriptedBackend backend, ConfigOverride... overrides) throws Exception {
        MppServer mpp = MppServer.randomlyInFrontOf(dir.resolve("endpoints"), backend.url(),
                List.of(ConfigOverride.config("proxy.maxConnectionsPerBackend", "1")), overrides);
        open.add(mpp);
        return mpp;
    }

    /** Sends a GET of {@code /large} on a connection of its own and reads the answer's head and a little body. */
    private static Socket startLargeAnswer(MppServer mpp) throws IOException {
        return startLargeAnswer(mpp, "GET /large HTTP/1.1\r\nHost: mpp\r\n\r\n");
    }

    private static Socket startLargeAnswer(MppServer mpp, String request) throws IOException {
        URI base = URI.create(mpp.url());
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        byte[] begun = socket.getInputStream().readNBytes(64 << 10);
        assertThat(new String(begun, 0, 15, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200 OK");
        return socket;
    }

    private static void assertTheNextRequestIsServed(MppServer mpp) throws Exception {
        assertTheNextRequestIsServed(mpp, HttpRequest.newBuilder(URI.create(mpp.url() + "/small")));
    }

    private static void assertTheNextRequestIsServed(MppServer mpp, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("small");
    }

    @Test
    void aClientThatLeavesMidAnswerFreesTheBackendConnection() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mpp(backend);

        startLargeAnswer(mpp).close();

        int streaming = backend.received().get(0).connection();
        Await.until(Duration.ofSeconds(10), "mpp to close the connection that carried the answer",
                () -> backend.closedByPeer().contains(streaming));
        assertThat(written.get()).as("bytes the backend wrote").isLessThan(ANSWER_BYTES);
        assertTheNextRequestIsServed(mpp);
    }

    @Test
    void aClientThatLeavesBeforeTheAnswerStartsFreesTheBackendConnection() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mppThatWaitsOnASilentBackend(backend);

        leaveOnceThere(mpp, "/pending", () -> Await.until(Duration.ofSeconds(10), "the request at the backend",
                () -> backend.received().size() == 1));

        // Unless mpp looks at the client's connection meanwhile, this lasts until the exchange timeout (2 minutes).
        assertCountedAsGoneAndItsConnectionFreed(mpp, backend);
    }

    @Test
    void aClientThatLeavesAfterTheAnswersHeadCameAndBeforeAnyOfItWentOutCountsAsGone() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mppThatWaitsOnASilentBackend(backend);

        leaveOnceThere(mpp, "/head-only", () -> {
            Await.until(Duration.ofSeconds(10), "the backend to send the answer's head", headSent::get);
            // The head alone goes nowhere yet: mpp sends it with the answer's first bytes, which never come.
            int mppSide = backend.received().get(0).peerPort();
            int backendSide = URI.create(backend.url()).getPort();
            Await.until(Duration.ofSeconds(10), "mpp to read the answer's head",
                    () -> UnreadBytes.in(mppSide, backendSide) == 0);
        });

        // Counted as 502 when the departure's handling took the answer for a broken one.
        assertCountedAsGoneAndItsConnectionFreed(mpp, backend);
    }

    @Test
    void aClientThatClosesItsSendingSideIsTakenForGoneAndGetsNoErrorPage() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mppThatWaitsOnASilentBackend(backend);
        URI base = URI.create(mpp.url());
        byte[] answer;
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET /pending HTTP/1.1\r\nHost: mpp\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            Await.until(Duration.ofSeconds(10), "the request at the backend", () -> backend.received().size() == 1);
            socket.shutdownOutput(); // as nc -N does: a close, as far as the server can tell
            answer = socket.getInputStream().readAllBytes();
        }

        // Jetty wrote its HTML "500 Server Error" page for the departure, as if mpp had failed.
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).isEmpty();
        assertCountedAsGoneAndItsConnectionFreed(mpp, backend);
    }

    @Test
    void aClientThatLeavesInTheMiddleOfAStreamedBodyDoesNotCountAgainstTheBackend() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.retryBodyLimit", "1KiB"));
        URI base = URI.create(mpp.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /small HTTP/1.1\r\nHost: mpp\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 200000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[100_000]);
            out.flush();
            // mpp reads a body this large only as the backend takes it: all read means it is streaming.
            Await.until(Duration.ofSeconds(10), "mpp to pass on the part of the body sent",
                    () -> UnreadBytes.in(base.getPort(), socket.getLocalPort()) == 0);
        }

        // Counted 502 for the backend, and the backend was taken out of rotation, as if it had failed.
        Await.until(Duration.ofSeconds(10), "the request counted as one whose client went away (499)",
                () -> Scrape.of(mpp.url() + "/mpp/metrics").value("mpp_requests_total", "backend", backend.url(),
                        "code", "499") == 1);
        Scrape metrics = Scrape.of(mpp.url() + "/mpp/metrics");
        assertThat(metrics.value("mpp_requests_total", "backend", backend.url(), "code", "502")).isZero();
        assertThat(metrics.value("mpp_live_backends")).isEqualTo(1);
        assertTheNextRequestIsServed(mpp);
    }

    @Test
    void aClientThatLeavesBeforeItsBodyIsReadCountsAsGone() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mpp(backend);
        URI base = URI.create(mpp.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /small HTTP/1.1\r\nHost: mpp\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 5000\r\n\r\nquery=up").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Await.until(Duration.ofSeconds(10), "mpp to read what was sent",
                    () -> UnreadBytes.in(base.getPort(), socket.getLocalPort()) == 0);
        }

        Await.until(Duration.ofSeconds(10), "the request counted as one whose client went away (499)",
                () -> Scrape.of(mpp.url() + "/mpp/metrics").value("mpp_requests_total", "backend", "none",
                        "code", "499") == 1);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aClientWhoseStreamedBodyStallsGetsABadRequestAndTheBackendIsNotBlamed() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.retryBodyLimit", "1KiB"),
                ConfigOverride.config("server.applicationConnectors[0].idleTimeout", "1s"));
        URI base = URI.create(mpp.url());
        String answer;
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /small HTTP/1.1\r\nHost: mpp\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 200000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[100_000]);
            out.flush();
            answer = RawHttp.readAnswer(socket.getInputStream());
        }

        assertThat(answer).startsWith("HTTP/1.1 400").contains("the request body could not be read");
        Scrape metrics = Scrape.of(mpp.url() + "/mpp/metrics");
        assertThat(metrics.value("mpp_requests_total", "backend", backend.url(), "code", "400")).isEqualTo(1);
        assertThat(metrics.value("mpp_live_backends")).isEqualTo(1);
    }

    @Test
    void aClientWhoseChunkedBodyIsMalformedGetsABadRequestNotTakenForGone() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mpp(backend);
        List<String> malformed = List.of("zz\r\n", "3\r\nabcXX\r\n0\r\n\r\n");
        for (String body : malformed) {
            assertThat(RawHttp.exchange(mpp.url(), "POST /small HTTP/1.1\r\nHost: mpp\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" + body))
                    .as(body).startsWith("HTTP/1.1 400");
        }
        Scrape metrics = Scrape.of(mpp.url() + "/mpp/metrics");
        assertThat(metrics.value("mpp_requests_total", "backend", "none", "code", "400")).isEqualTo(2);
        assertThat(metrics.value("mpp_requests_total", "backend", "none", "code", "499")).isZero();
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aClientWhoseStreamedChunkedBodyTurnsMalformedGetsABadRequestAndTheBackendIsNotBlamed() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.retryBodyLimit", "1KiB"));
        String chunk = "x".repeat(4096);
        String answer = RawHttp.exchange(mpp.url(), "POST /pending HTTP/1.1\r\nHost: mpp\r\n"
                + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\nzz\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("the request body could not be read");
        Scrape metrics = Scrape.of(mpp.url() + "/mpp/metrics");
        assertThat(metrics.value("mpp_requests_total", "backend", backend.url(), "code", "400")).isEqualTo(1);
        assertThat(metrics.value("mpp_live_backends")).isEqualTo(1);
    }

    /** Neither of mpp's own bounds on a backend that keeps silent may be what ends a request here. */
    private MppServer mppThatWaitsOnASilentBackend(ScriptedBackend backend) throws Exception {
        return mpp(backend, ConfigOverride.config("proxy.headersTimeout", "1m"),
                ConfigOverride.config("proxy.idleTimeout", "1m"));
    }

    /** Sends a GET of {@code path} on a connection of its own, and closes that once {@code there} returns. */
    private static void leaveOnceThere(MppServer mpp, String path, Runnable there) throws IOException {
        URI base = URI.create(mpp.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: mpp\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            there.run();
        }
    }

    private static void assertCountedAsGoneAndItsConnectionFreed(MppServer mpp, ScriptedBackend backend)
            throws Exception {
        int waiting = backend.received().get(0).connection();
        Await.until(Duration.ofSeconds(10), "mpp to close the connection the request waited on",
                () -> backend.closedByPeer().contains(waiting));
        Await.until(Duration.ofSeconds(10), "the request counted as one whose client went away (499)",
                () -> Scrape.of(mpp.url() + "/mpp/metrics").value("mpp_requests_total", "backend", backend.url(),
                        "code", "499") == 1);
        assertTheNextRequestIsServed(mpp);
    }

    @Test
    void aClientThatLeavesAnAnswerOnJettysClientFreesThatConnectionToo() throws Exception {
        ScriptedBackend backend = backend();
        // A body over the retry limit goes once, streamed, on Jetty's HTTP client rather than mpp's own.
        MppServer mpp = mpp(backend, ConfigOverride.config("proxy.retryBodyLimit", "1KiB"));
        String form = "query=" + "u".repeat(2000);

        startLargeAnswer(mpp, "POST /large HTTP/1.1\r\nHost: mpp\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + form.length() + "\r\n\r\n" + form).close();

        int streaming = backend.received().get(0).connection();
        assertThat(backend.received().get(0).body()).hasSize(form.length());
        Await.until(Duration.ofSeconds(10), "mpp to close the connection that carried the answer",
                () -> backend.closedByPeer().contains(streaming));
        assertThat(written.get()).as("bytes the backend wrote").isLessThan(ANSWER_BYTES);
        assertTheNextRequestIsServed(mpp, HttpRequest.newBuilder(URI.create(mpp.url() + "/small"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    @Test
    void aClientThatStopsReadingHoldsTheAnswerBackUntilItsIdleTimeoutThenTheConnectionIsFreed() throws Exception {
        ScriptedBackend backend = backend();
        MppServer mpp = mpp(backend, ConfigOverride.config("server.applicationConnectors[0].idleTimeout", "1s"));

        try (Socket stalled = startLargeAnswer(mpp)) {
            int streaming = backend.received().get(0).connection();
            Await.until(Duration.ofSeconds(20), "mpp to give the stalled answer up",
                    () -> backend.closedByPeer().contains(streaming));
            assertThat(written.get()).as("bytes the backend wrote while the client read none")
                    .isLessThan(ANSWER_BYTES / 4);
            assertTheNextRequestIsServed(mpp);

            // What the client had not read yet still arrives; then the connection ends short of the answer.
            // A read that times out fails the test: the connection must end, not hang.
            InputStream rest = stalled.getInputStream();
            byte[] buffer = new byte[1 << 16];
            long read = 0;
            try {
                for (int n; (n = rest.read(buffer)) > 0; ) {
                    read += n;
                }
            } catch (SocketException reset) {
                // mpp may reset rather than close a connection whose answer it cut
            }
            assertThat(read).isLessThan(ANSWER_BYTES);
        }
    }
}
