package io.mpp.discovery.marathon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.Extension;
import io.mpp.discovery.marathon.dcos.DcosAuthenticator;
import io.mpp.discovery.marathon.dcos.DcosLogin;
import io.mpp.discovery.marathon.dcos.PrincipalSecret;
import io.mpp.testing.Await;
import io.mpp.testing.FreePorts;
import io.mpp.testing.ScriptedBackend;
import io.mpp.testing.marathon.FakeDcos;
import io.mpp.testing.marathon.MutableClock;
import io.mpp.testing.marathon.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MarathonEventWatcherTest {

    static final String ATTACHED = event("event_stream_attached",
            "{\"remoteAddress\":\"127.0.0.1\",\"eventType\":\"event_stream_attached\","
                    + "\"timestamp\":\"2026-11-22T04:00:00.000Z\"}");

    private final List<WireMockServer> servers = new ArrayList<>();
    private final List<ScriptedBackend> heldStreams = new ArrayList<>();
    private final List<AutoCloseable> silentMasters = new ArrayList<>();
    private final List<MarathonEventWatcher> watchers = new ArrayList<>();
    private final AtomicInteger reselects = new AtomicInteger();
    /** The pauses the watchers took between streams, in order. */
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private HttpClient http;

    @BeforeEach
    void client() throws Exception {
        http = TlsClients.create("test", false, null, Duration.ofSeconds(2));
        http.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (MarathonEventWatcher watcher : watchers) {
            watcher.stop();
        }
        http.stop();
        servers.forEach(WireMockServer::stop);
        heldStreams.forEach(ScriptedBackend::close);
        for (AutoCloseable master : silentMasters) {
            master.close();
        }
    }

    /** One server-sent event as Marathon writes it. */
    static String event(String type, String json) {
        return "event: " + type + "\r\ndata: " + json + "\r\n\r\n";
    }

    static String statusUpdate(String appId, String status) {
        return event("status_update_event", "{\"slaveId\":\"a4ba7d2b-S3\",\"taskId\":\"" + appId.substring(1)
                + ".1\",\"taskStatus\":\"" + status + "\",\"message\":\"\",\"appId\":\"" + appId
                + "\",\"host\":\"10.0.0.4\",\"ipAddresses\":[],\"ports\":[31001],"
                + "\"version\":\"2026-11-20T10:15:30.123Z\","
                + "\"eventType\":\"status_update_event\",\"timestamp\":\"2026-11-22T04:00:01.000Z\"}");
    }

    static String healthChanged(String appId, boolean alive) {
        return event("health_status_changed_event", "{\"appId\":\"" + appId + "\",\"instanceId\":\""
                + appId.substring(1) + ".marathon-1\",\"version\":\"2026-11-20T10:15:30.123Z\",\"alive\":" + alive
                + ",\"eventType\":\"health_status_changed_event\",\"timestamp\":\"2026-11-22T04:00:02.000Z\"}");
    }

    static void stream(WireMockServer marathon, String body) {
        marathon.stubFor(get(urlPathEqualTo("/v2/events")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(body)));
    }

    /** A Marathon whose event stream sends these events and then stays open, as Marathon's does. */
    private ScriptedBackend heldStream(String events) throws IOException {
        ScriptedBackend marathon = ScriptedBackend.start().on("/v2/events", (request, out) -> {
            // No length: the stream ends only when the connection does.
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + events)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            new CountDownLatch(1).await(); // until the backend is closed
            return false;
        });
        heldStreams.add(marathon);
        return marathon;
    }

    /** A master that accepts connections, reads the requests and never answers; it sees when mpp closes them. */
    private static final class SilentMaster implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Set<Integer> closedByPeer = ConcurrentHashMap.newKeySet();
        private volatile boolean closing;

        SilentMaster() throws IOException {
            threads.execute(this::accept);
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        int accepted() {
            return sockets.size();
        }

        /** The numbers (from 1, in the order accepted) of the connections mpp closed. */
        Set<Integer> closedByPeer() {
            return Set.copyOf(closedByPeer);
        }

        private void accept() {
            try {
                while (true) {
                    Socket socket = server.accept();
                    sockets.add(socket);
                    int number = sockets.size();
                    threads.execute(() -> drain(socket, number));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void drain(Socket socket, int number) {
            try (InputStream in = socket.getInputStream()) {
                while (in.read() >= 0) {
                    // the request, and then nothing until mpp closes the connection
                }
                closedByPeer.add(number);
            } catch (IOException e) {
                if (!closing) {
                    closedByPeer.add(number); // reset by mpp
                }
            }
        }

        @Override
        public void close() throws IOException {
            closing = true;
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
            threads.shutdownNow();
        }
    }

    /**
     * A master whose event stream answers 200 and then sends these bytes over and over, up to far more than any
     * event may hold, and then holds the connection open: only a reader that gives up on its own reconnects.
     */
    private static final class FloodingMaster implements AutoCloseable {
        private static final int FLOOD = 8 << 20;
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final byte[] chunk;

        FloodingMaster(String chunk) throws IOException {
            this.chunk = chunk.getBytes(StandardCharsets.UTF_8);
            threads.execute(this::accept);
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        int accepted() {
            return sockets.size();
        }

        private void accept() {
            try {
                while (true) {
                    Socket socket = server.accept();
                    sockets.add(socket);
                    threads.execute(() -> flood(socket));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void flood(Socket socket) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                for (int sent = 0; sent < FLOOD; sent += chunk.length) {
                    out.write(chunk);
                }
                out.flush();
                socket.getInputStream().transferTo(OutputStream.nullOutputStream()); // until mpp closes it
            } catch (IOException e) {
                // mpp dropped the stream
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
            threads.shutdownNow();
        }
    }

    private WireMockServer server(Extension... extensions) {
        WireMockServer server = new WireMockServer(options().port(FreePorts.next()).bindAddress("127.0.0.1")
                .extensions(extensions));
        server.start();
        servers.add(server);
        return server;
    }

    private void watch(MarathonAuth auth, String... masters) {
        watch(auth, Duration.ofSeconds(2), MarathonEventWatcher.IDLE_TIMEOUT, masters);
    }

    /** Starts a watcher; returns its client, which tells the master it prefers. */
    private MarathonClient watch(MarathonAuth auth, Duration answerTimeout, Duration idleTimeout, String... masters) {
        List<URI> urls = new ArrayList<>();
        for (String master : masters) {
            urls.add(URI.create(master));
        }
        MarathonClient client = new MarathonClient(urls, http, auth, Duration.ofSeconds(2));
        MarathonEventWatcher watcher = new MarathonEventWatcher(client, Set.of("/prom"), reselects::incrementAndGet,
                answerTimeout, Duration.ofMillis(50), Duration.ofMillis(400), idleTimeout, pauses::add);
        watchers.add(watcher);
        watcher.start();
        return client;
    }

    private static int streamsOpened(WireMockServer marathon) {
        return marathon.findAll(getRequestedFor(urlPathEqualTo("/v2/events"))).size();
    }

    @Test
    void eventsOfOtherAppsAndOtherKindsDoNotReselect() throws Exception {
        // The configured app's event comes last: once it has reselected, the others have been read.
        ScriptedBackend marathon = heldStream(ATTACHED + statusUpdate("/other", "TASK_FAILED")
                + healthChanged("/prometheus", false)
                + event("deployment_success", "{\"id\":\"d1\",\"eventType\":\"deployment_success\"}")
                + statusUpdate("/prom", "TASK_RUNNING"));
        watch(MarathonAuth.NONE, marathon.url());
        Await.until(Duration.ofSeconds(20), "a reselect for the last event", () -> reselects.get() >= 1);
        assertThat(reselects.get()).isEqualTo(1);
        assertThat(marathon.received()).singleElement().satisfies(request -> {
            assertThat(request.header("Accept")).isEqualTo("text/event-stream");
            assertThat(request.target().substring(request.target().indexOf('?') + 1).split("&"))
                    .containsExactlyElementsOf(MarathonEventWatcher.EVENT_TYPES.stream()
                            .map(type -> "event_type=" + type).toList());
        });
    }

    static Stream<String> eventsOfTheApp() {
        return Stream.of(statusUpdate("/prom", "TASK_KILLED"), healthChanged("/prom", false),
                event("instance_health_changed_event", "{\"instanceId\":\"prom.marathon-1\",\"runSpecId\":\"/prom\","
                        + "\"healthy\":false,\"eventType\":\"instance_health_changed_event\"}"));
    }

    @ParameterizedTest
    @MethodSource("eventsOfTheApp")
    void aTaskStatusOrHealthChangeOfAConfiguredAppReselects(String event) throws Exception {
        ScriptedBackend marathon = heldStream(ATTACHED + event);
        watch(MarathonAuth.NONE, marathon.url());
        Await.until(Duration.ofSeconds(20), "a reselect for the event", () -> reselects.get() >= 1);
        // The first stream itself asks for none.
        assertThat(reselects.get()).isEqualTo(1);
    }

    @Test
    void eachStreamAfterTheFirstReselectsForTheEventsMissedInBetween() {
        WireMockServer marathon = server();
        stream(marathon, ATTACHED); // no event, and ended at once, as by a leader's failover
        watch(MarathonAuth.NONE, marathon.baseUrl());
        Await.until(Duration.ofSeconds(20), "a reselect as a new stream opens", () -> reselects.get() >= 1);
        assertThat(streamsOpened(marathon)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFailingMasterHandsTheStreamToTheNext() throws Exception {
        WireMockServer first = server();
        first.stubFor(get(urlPathEqualTo("/v2/events")).willReturn(aResponse().withStatus(503)
                .withBody("{\"message\":\"Could not determine the current leader\"}")));
        ScriptedBackend second = heldStream(ATTACHED + healthChanged("/prom", false));
        watch(MarathonAuth.NONE, first.baseUrl(), second.url());
        Await.until(Duration.ofSeconds(20), "a reselect from the second master's stream", () -> reselects.get() >= 1);
        assertThat(reselects.get()).isEqualTo(1);
        assertThat(streamsOpened(first)).isGreaterThanOrEqualTo(1);
        assertThat(second.received()).hasSize(1);
    }

    @Test
    void aSilentStreamIsReopenedOnTheSameMasterAfterTheIdleTimeout() throws Exception {
        // Headers and then nothing, not even event_stream_attached: a quiet cluster behind the event_type filters.
        ScriptedBackend first = heldStream("");
        WireMockServer second = server();
        stream(second, ATTACHED);
        MarathonClient client = watch(MarathonAuth.NONE, Duration.ofSeconds(2), Duration.ofSeconds(1),
                first.url(), second.baseUrl());
        // Waits for the second master too, so that a failover fails the test at once.
        Await.until(Duration.ofSeconds(20), "a second stream", () -> first.received().size() >= 2
                || !second.getAllServeEvents().isEmpty());
        assertThat(first.received()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(second.getAllServeEvents()).isEmpty();
        assertThat(client.preferredMaster()).isEqualTo(URI.create(first.url()));
    }

    @Test
    void aQuietStreamThatEndsAfterAWhileIsNoFailureButOneThatEndsAtOnceIs() throws Exception {
        // A proxy on the way that ends quiet streams: headers, 1.5 s of nothing (more than 10 times the shortest
        // pause of 50 ms), the end.
        ScriptedBackend proxied = ScriptedBackend.start().on("/v2/events", (request, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(1500);
            return false;
        });
        heldStreams.add(proxied);
        watch(MarathonAuth.NONE, proxied.url());
        Await.until(Duration.ofSeconds(30), "three streams ended", () -> pauses.size() >= 3);
        assertThat(pauses.subList(0, 3)).as("no backoff").containsOnly(Duration.ofMillis(50));
        watchers.get(0).stop();

        pauses.clear();
        WireMockServer endsAtOnce = server();
        stream(endsAtOnce, ""); // headers and the end: a failing master, backed off
        watch(MarathonAuth.NONE, endsAtOnce.baseUrl());
        Await.until(Duration.ofSeconds(30), "four streams ended", () -> pauses.size() >= 4);
        assertThat(pauses.subList(0, 4)).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(400), Duration.ofMillis(400));
    }

    @Test
    void aStreamWhoseHeadersDoNotComeInTimeIsCancelled() throws Exception {
        SilentMaster marathon = new SilentMaster();
        silentMasters.add(marathon);
        watch(MarathonAuth.NONE, Duration.ofMillis(500), MarathonEventWatcher.IDLE_TIMEOUT, marathon.url());
        // Left open, each connection would last until the idle timeout of 5 min.
        Await.until(Duration.ofSeconds(30), "mpp closing the connections of the timed-out streams",
                () -> marathon.accepted() >= 3 && marathon.closedByPeer().containsAll(Set.of(1, 2)));
    }

    @Test
    void theStreamCarriesTheAuthTokenAndLogsInAgainAfterA401() throws Exception {
        MutableClock clock = MutableClock.now();
        KeyPair keys = TestKeys.rsa(2048);
        FakeDcos dcos = new FakeDcos("mpp", keys.getPublic(), clock, Duration.ofHours(1));
        WireMockServer login = server(dcos.loginEndpoint());
        login.stubFor(post(urlPathEqualTo("/login")).willReturn(aResponse().withTransformers("dcos-login")));
        WireMockServer marathon = server(dcos.marathonGuard());
        stream(marathon, ATTACHED);
        PrincipalSecret secret = PrincipalSecret.parse(TestKeys.secret("mpp", TestKeys.pkcs8(keys),
                login.baseUrl() + "/login"), "test", "");
        watch(new DcosAuthenticator(new DcosLogin(http, secret, Duration.ofSeconds(2), clock), clock),
                marathon.baseUrl());
        Await.until(Duration.ofSeconds(20), "a stream with the token", () -> !marathon.findAll(
                getRequestedFor(urlPathEqualTo("/v2/events")).withHeader("Authorization",
                        WireMock.equalTo("token=" + dcos.issuedTokens().get(0)))).isEmpty());
        dcos.revoke(dcos.issuedTokens().get(0));
        Await.until(Duration.ofSeconds(20), "a new login after the 401", () -> dcos.logins() == 2
                && !marathon.findAll(getRequestedFor(urlPathEqualTo("/v2/events")).withHeader("Authorization",
                WireMock.equalTo("token=" + dcos.issuedTokens().get(1)))).isEmpty());
        assertThat(dcos.rejectedByMarathon()).isGreaterThanOrEqualTo(1);
        Await.until(Duration.ofSeconds(20), "a reselect as the stream opens again", () -> reselects.get() >= 1);
    }

    static Stream<String> floods() {
        return Stream.of("x".repeat(65536), "data: " + "y".repeat(65530) + "\n");
    }

    @ParameterizedTest
    @MethodSource("floods")
    void aStreamThatNeverEndsALineOrAnEventIsDroppedAndReopened(String chunk) throws Exception {
        // An endless line, or data lines without the blank line that ends an event: read without a bound, either
        // fills the heap, and the stream is never idle.
        FloodingMaster marathon = new FloodingMaster(chunk);
        silentMasters.add(marathon);
        watch(MarathonAuth.NONE, marathon.url());
        Await.until(Duration.ofSeconds(20), "a second stream after the first was dropped",
                () -> marathon.accepted() >= 2);
    }

    @Test
    void aFailureOutsideOfTheStreamDoesNotEndTheWatcher() {
        WireMockServer marathon = server();
        stream(marathon, ATTACHED + statusUpdate("/prom", "TASK_KILLED"));
        AtomicInteger calls = new AtomicInteger();
        List<URI> urls = List.of(URI.create(marathon.baseUrl()));
        MarathonEventWatcher watcher = new MarathonEventWatcher(new MarathonClient(urls, http, MarathonAuth.NONE,
                Duration.ofSeconds(2)), Set.of("/prom"), () -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("a bug in the reselection");
                    }
                }, Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(400));
        watchers.add(watcher);
        watcher.start();
        Await.until(Duration.ofSeconds(20), "the watcher going on after the failure", () -> calls.get() >= 2);
    }
}
