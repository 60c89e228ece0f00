package io.mpp.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mpp.testing.marathon.MarathonApp.Task.task;
import static io.mpp.testing.marathon.MarathonApp.app;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.FreePorts;
import io.mpp.testing.MppServer;
import io.mpp.testing.PrometheusProcess;
import io.mpp.testing.marathon.FakeDcos;
import io.mpp.testing.marathon.MarathonApp;
import io.mpp.testing.marathon.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real Prometheus replicas, found as the tasks of a Marathon app on a strict-mode DC/OS cluster (fake Marathon
 * and login endpoint), behind a real mpp. The selection interval is an hour: only Marathon's event stream can make
 * mpp notice a change, so these tests also show that the stream drives reselection.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MarathonEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String ATTACHED = "event: event_stream_attached\r\ndata: {\"remoteAddress\":\"127.0.0.1\","
            + "\"eventType\":\"event_stream_attached\",\"timestamp\":\"2026-11-22T04:00:00.000Z\"}\r\n\r\n";

    @TempDir
    static Path dir;
    static PrometheusProcess a;
    static PrometheusProcess b;
    static FakeDcos dcos;
    static WireMockServer login;
    static WireMockServer marathon;
    static MppServer mpp;

    @BeforeAll
    static void start() throws Exception {
        a = PrometheusProcess.start(Files.createDirectories(dir.resolve("a")));
        b = PrometheusProcess.start(Files.createDirectories(dir.resolve("b")));
        KeyPair keys = TestKeys.rsa(2048);
        dcos = new FakeDcos("mpp-sa", keys.getPublic(), Clock.systemUTC(), Duration.ofHours(2));
        login = new WireMockServer(options().port(FreePorts.next()).bindAddress("127.0.0.1")
                .extensions(dcos.loginEndpoint()));
        login.start();
        login.stubFor(post(urlPathEqualTo("/acs/api/v1/auth/login")).willReturn(aResponse().withTransformers("dcos-login")));
        marathon = new WireMockServer(options().port(FreePorts.next()).bindAddress("127.0.0.1")
                .extensions(dcos.marathonGuard()));
        marathon.start();
        serveApp(replicas(true, true));
        events(ATTACHED);
        Path secret = Files.writeString(dir.resolve("principal-secret.json"),
                TestKeys.secret("mpp-sa", TestKeys.pkcs1(keys), login.baseUrl() + "/acs/api/v1/auth/login"));
        a.awaitSamples();
        b.awaitSamples();
        // A Marathon master that is down comes first in the list: mpp moves on to the one that answers.
        String downMaster = "http://127.0.0.1:" + FreePorts.next();
        mpp = MppServer.start(
                ConfigOverride.config("locators[2].urls", downMaster + "," + marathon.baseUrl()),
                ConfigOverride.config("locators[2].apps", " prom "),
                ConfigOverride.config("locators[2].principalSecretFile", secret.toString()),
                ConfigOverride.config("selection.routingStrategy", "random"),
                ConfigOverride.config("selection.interval", "1h"));
    }

    @AfterAll
    static void stop() {
        if (mpp != null) {
            mpp.close();
        }
        for (WireMockServer server : new WireMockServer[] {marathon, login}) {
            if (server != null) {
                server.stop();
            }
        }
        for (PrometheusProcess p : new PrometheusProcess[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
    }

    static MarathonApp replicas(boolean aAlive, boolean bAlive) {
        return app("/prom").network("host").port("web", 0).healthChecked()
                .task(task("prom.a").host("127.0.0.1").ports(a.port()).alive(aAlive))
                .task(task("prom.b").host("127.0.0.1").ports(b.port()).alive(bAlive));
    }

    static void serveApp(MarathonApp app) {
        marathon.stubFor(WireMock.get(urlPathEqualTo("/v2/apps/prom")).willReturn(okJson(app.json())));
    }

    static void events(String body) {
        marathon.stubFor(WireMock.get(urlPathEqualTo("/v2/events")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(body)));
    }

    static String healthChanged(boolean alive) {
        return "event: health_status_changed_event\r\ndata: {\"appId\":\"/prom\",\"instanceId\":\"prom.marathon-b\","
                + "\"version\":\"2026-11-20T10:15:30.123Z\",\"alive\":" + alive
                + ",\"eventType\":\"health_status_changed_event\",\"timestamp\":\"2026-11-22T04:01:00.000Z\"}\r\n\r\n";
    }

    private static HttpResponse<String> fetch(String base, String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String servedBy(HttpResponse<?> response) {
        return response.headers().firstValue("MPP.ServedBy").orElse(null);
    }

    private static void awaitOnlyServedBy(PrometheusProcess replica, String why) {
        Await.until(Duration.ofSeconds(30), why, () -> {
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> r = fetch(mpp.url(), "/api/v1/query?query=up");
                if (r.statusCode() != 200 || !replica.url().equals(servedBy(r))) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    @Order(1)
    void bothTasksAreProxiedToAfterALoginWithTheServiceAccount() throws Exception {
        Set<String> seen = new HashSet<>();
        Await.until(Duration.ofSeconds(20), "both replicas to serve", () -> {
            HttpResponse<String> r = fetch(mpp.url(), "/api/v1/query?query=up");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"status\":\"success\"");
            seen.add(servedBy(r));
            return seen.containsAll(List.of(a.url(), b.url()));
        });
        assertThat(dcos.logins()).isEqualTo(1);
        assertThat(dcos.loginRefusals()).isEmpty();
        assertThat(dcos.rejectedByMarathon()).isZero();
        marathon.verify(getRequestedFor(urlPathEqualTo("/v2/apps/prom"))
                .withHeader("Authorization", WireMock.equalTo("token=" + dcos.issuedTokens().get(0))));
        Await.until(Duration.ofSeconds(20), "the event stream to be followed with the token", () -> !marathon.findAll(
                getRequestedFor(urlPathEqualTo("/v2/events")).withHeader("Authorization",
                        WireMock.equalTo("token=" + dcos.issuedTokens().get(0)))).isEmpty());
    }

    @Test
    @Order(2)
    void aReplicaWhoseTaskTurnsUnhealthyStopsReceivingRequests() throws Exception {
        serveApp(replicas(true, false));
        events(ATTACHED + healthChanged(false));
        awaitOnlyServedBy(a, "the unhealthy replica to be dropped after the health event");
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = fetch(mpp.url(), "/api/v1/query?query=up");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(servedBy(r)).isEqualTo(a.url());
        }
        assertThat(b.isAlive()).as("the replica itself is still up; only its task's health changed").isTrue();
    }

    @Test
    @Order(3)
    void itComesBackWhenItsTaskIsHealthyAgain() {
        serveApp(replicas(true, true));
        events(ATTACHED + healthChanged(true));
        Set<String> seen = new HashSet<>();
        Await.until(Duration.ofSeconds(30), "both replicas to serve again", () -> {
            seen.add(servedBy(fetch(mpp.url(), "/api/v1/query?query=up")));
            return seen.contains(b.url());
        });
    }

    @Test
    @Order(4)
    void whenMarathonLosesTheAppTheLastKnownTasksStayInUseAndItIsReported() throws Exception {
        serveApp(replicas(false, true));
        events(ATTACHED + healthChanged(false));
        awaitOnlyServedBy(b, "replica b alone after a's task turned unhealthy");

        marathon.stubFor(WireMock.get(urlPathEqualTo("/v2/apps/prom")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"App '/prom' does not exist\"}")));
        Await.until(Duration.ofSeconds(30), "the admin health check to report the missing app", () -> {
            HttpResponse<String> health = fetch(mpp.adminUrl(), "/healthcheck");
            return health.statusCode() == 500 && health.body().contains("App '/prom' does not exist");
        });
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = fetch(mpp.url(), "/api/v1/query?query=up");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(servedBy(r)).isEqualTo(b.url());
        }
    }
}
