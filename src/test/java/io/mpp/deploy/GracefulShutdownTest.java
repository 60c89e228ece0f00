package io.mpp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpp.testing.Await;
import io.mpp.testing.FreePorts;
import io.mpp.testing.HoldingBackend;
import io.mpp.testing.MppProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real mpp process receives SIGTERM while it proxies a request a backend holds. */
class GracefulShutdownTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void finishesTheRequestInFlightRefusesNewConnectionsAndExits() throws Exception {
        try (HoldingBackend backend = HoldingBackend.start()) {
            int port = FreePorts.next();
            try (MppProcess mpp = start(backend, port, "60s")) {
                awaitProxying(mpp, port);
                CompletableFuture<HttpResponse<String>> inFlight = send(port, "/hold");
                assertThat(backend.awaitHeldRequest(30)).as("the held request reached the backend").isTrue();

                mpp.terminate();

                Await.until(Duration.ofSeconds(30), "mpp to refuse new connections after SIGTERM",
                        () -> refusesConnections(port));
                assertThat(inFlight).as("the request in flight is still waiting for its backend").isNotDone();
                assertThat(mpp.isAlive()).as("mpp waits for the request in flight").isTrue();

                backend.release();
                HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).isEqualTo("released");
                assertThat(mpp.exitsWithin(30)).as("mpp exits once nothing is in flight; output:\n%s",
                        mpp.output()).isTrue();
            }
        }
    }

    @Test
    void stopsAfterTheGracePeriodWhenARequestNeverFinishes() throws Exception {
        try (HoldingBackend backend = HoldingBackend.start()) {
            int port = FreePorts.next();
            try (MppProcess mpp = start(backend, port, "1s")) {
                awaitProxying(mpp, port);
                CompletableFuture<HttpResponse<String>> inFlight = send(port, "/hold");
                assertThat(backend.awaitHeldRequest(30)).isTrue();

                mpp.terminate();

                // The backend never answers: only the grace period can end the process (60s is far beyond 1s).
                assertThat(mpp.exitsWithin(60)).as("mpp exits after its grace period; output:\n%s", mpp.output())
                        .isTrue();
                assertThat(answerOrFailure(inFlight)).as("the request cut at the end of the grace period")
                        .isNotEqualTo("200 released");
            } finally {
                backend.release();
            }
        }
    }

    private MppProcess start(HoldingBackend backend, int port, String gracePeriod) throws IOException {
        Path endpoints = Files.writeString(dir.resolve("endpoints"), backend.url() + "\n");
        return MppProcess.start(dir, Map.of("MPP_SHUTDOWN_GRACE_PERIOD", gracePeriod),
                "proxy", "--port", Integer.toString(port), "--admin-port", Integer.toString(FreePorts.next()),
                "--bind-host", "127.0.0.1", "--endpoints-file", endpoints.toString(),
                "--selection-interval", "200ms");
    }

    private static void awaitProxying(MppProcess mpp, int port) {
        Await.until(Duration.ofSeconds(60), "mpp to proxy to the backend", () -> {
            if (!mpp.isAlive()) {
                throw new IllegalStateException("mpp exited early:\n" + mpp.output());
            }
            HttpResponse<String> r = send(port, "/fast").get(10, TimeUnit.SECONDS);
            return r.statusCode() == 200 && r.body().equals("fast");
        });
    }

    private static CompletableFuture<HttpResponse<String>> send(int port, String path) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** "status body", or the failure's class when the connection was closed without an answer. */
    private static String answerOrFailure(CompletableFuture<HttpResponse<String>> request) throws Exception {
        try {
            HttpResponse<String> answer = request.get(30, TimeUnit.SECONDS);
            return answer.statusCode() + " " + answer.body();
        } catch (ExecutionException e) {
            return e.getCause().getClass().getSimpleName();
        }
    }

    private static boolean refusesConnections(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }
}
