package io.mpp.proxy;

import static io.mpp.testing.RawHttp.get;
import static io.mpp.testing.RawHttp.readAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.proxy.http1.ProxyConnector;
import io.mpp.testing.Await;
import io.mpp.testing.HoldingBackend;
import io.mpp.testing.MppServer;
import io.mpp.testing.ScriptedBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: mpp-http} keeps a connection registered for reading while its request is answered. Bytes that come
 * meanwhile must neither be lost nor wake the selector again and again while nobody reads them.
 */
class ReadInterestTest {

    @TempDir
    Path dir;

    @Test
    void aRequestSentWhileTheLastIsAnsweredWaitsItsTurnWithoutKeepingTheSelectorBusy() throws Exception {
        try (HoldingBackend backend = HoldingBackend.start()) {
            try (MppServer mpp = mppInFrontOf(backend.url());
                 Socket socket = connect(mpp)) {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(get("/hold", false));
                assertThat(backend.awaitHeldRequest(30)).as("the first request at the backend").isTrue();

                long before = selects(mpp);
                // The next request, in a write of its own: it reaches mpp's socket while the first is unanswered.
                out.write(get("/next", false));
                // Requests on another connection each take a few rounds of the selector; a selector woken by the
                // unread bytes over and over would go round thousands of times meanwhile.
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpRequest healthRequest = HttpRequest.newBuilder(URI.create(mpp.url() + "/mpp/health"))
                        .timeout(Duration.ofSeconds(30)).build();
                for (int i = 0; i < 20; i++) {
                    HttpResponse<String> health = http.send(healthRequest, HttpResponse.BodyHandlers.ofString());
                    assertThat(health.body()).isEqualTo("OK");
                }
                assertThat(selects(mpp) - before).as("rounds of the selector for 20 requests").isLessThan(200);

                backend.release();
                assertThat(readAnswer(in)).startsWith("HTTP/1.1 200").endsWith("released");
                // The backend answers "fast" to every path but /hold.
                assertThat(readAnswer(in)).startsWith("HTTP/1.1 200").endsWith("fast");
            }
        }
    }

    @Test
    void aLargerRequestSentWhileTheLastIsAnsweredArrivesWholeAndInOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedBackend backend = ScriptedBackend.start()) {
            backend.on("/hold", (request, out) -> {
                release.await(30, TimeUnit.SECONDS);
                out.write(ScriptedBackend.ok("released"));
                return true;
            }).on("/echo", (request, out) -> {
                out.write(ScriptedBackend.ok(new String(request.body(), StandardCharsets.ISO_8859_1)));
                return true;
            });
            try (MppServer mpp = mppInFrontOf(backend.url());
                 Socket socket = connect(mpp)) {
                OutputStream out = socket.getOutputStream();
                out.write(get("/hold", false));
                Await.until(Duration.ofSeconds(30), "the first request at the backend",
                        () -> backend.received().size() == 1);

                // More than mpp reads while it looks at a connection whose request is at the backend (4 KiB): the
                // part it read comes first, then the rest from the socket.
                StringBuilder form = new StringBuilder("q=");
                for (int i = 0; form.length() < 20_000; i++) {
                    form.append(i).append(',');
                }
                out.write(("POST /echo HTTP/1.1\r\nHost: mpp\r\nContent-Type: application/x-www-form-urlencoded"
                        + "\r\nContent-Length: " + form.length() + "\r\n\r\n" + form)
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                release.countDown();

                InputStream in = socket.getInputStream();
                assertThat(readAnswer(in)).startsWith("HTTP/1.1 200").endsWith("released");
                assertThat(readAnswer(in)).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n" + form);
            }
        }
    }

    private MppServer mppInFrontOf(String backendUrl) throws Exception {
        return MppServer.inFrontOf(dir.resolve("endpoints"), backendUrl,
                ConfigOverride.config("selection.interval", "1h"));
    }

    private static Socket connect(MppServer mpp) throws IOException {
        Socket socket = new Socket("127.0.0.1", URI.create(mpp.url()).getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** How often the application connector's selectors have selected. */
    private static long selects(MppServer mpp) {
        Server server = mpp.app().getEnvironment().getApplicationContext().getServer();
        ProxyConnector connector = ProxyConnector.of(server);
        assertThat(connector).as("config.yml's application connector, type mpp-http").isNotNull();
        return connector.getSelectorManager().getBeans(ManagedSelector.class).stream()
                .mapToLong(ManagedSelector::getSelectCount).sum();
    }
}
