package io.mpp.discovery.marathon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mpp.testing.marathon.MarathonApp.Task.task;
import static io.mpp.testing.marathon.MarathonApp.app;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.health.HealthCheck;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.LocatorHealthCheck;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.mpp.discovery.DiscoveryException;
import io.mpp.discovery.Endpoint;
import io.mpp.discovery.marathon.dcos.DcosAuthenticator;
import io.mpp.discovery.marathon.dcos.DcosLogin;
import io.mpp.discovery.marathon.dcos.DcosLoginHealthCheck;
import io.mpp.discovery.marathon.dcos.PrincipalSecret;
import io.mpp.testing.FreePorts;
import io.mpp.testing.marathon.FakeDcos;
import io.mpp.testing.marathon.MarathonApp;
import io.mpp.testing.marathon.MutableClock;
import io.mpp.testing.marathon.TestKeys;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MarathonLocatorTest {

    private final List<WireMockServer> servers = new ArrayList<>();
    private HttpClient http;
    private final MutableClock clock = MutableClock.now();

    @BeforeEach
    void client() throws Exception {
        http = TlsClients.create("test", false, null, Duration.ofSeconds(2));
        http.start();
    }

    @AfterEach
    void stop() throws Exception {
        http.stop();
        servers.forEach(WireMockServer::stop);
    }

    private WireMockServer server(com.github.tomakehurst.wiremock.extension.Extension... extensions) {
        WireMockServer server = new WireMockServer(options().port(FreePorts.next()).bindAddress("127.0.0.1")
                .extensions(extensions));
        server.start();
        servers.add(server);
        return server;
    }

    private static void serve(WireMockServer marathon, MarathonApp app, String id) {
        marathon.stubFor(get(urlPathEqualTo("/v2/apps" + id)).willReturn(okJson(app.json())));
    }

    private static void missing(WireMockServer marathon, String id) {
        marathon.stubFor(get(urlPathEqualTo("/v2/apps" + id)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"App '" + id + "' does not exist\"}")));
    }

    private MarathonLocator locator(List<String> apps, MarathonAuth auth, Duration timeout, WireMockServer... masters) {
        List<URI> urls = new ArrayList<>();
        for (WireMockServer master : masters) {
            urls.add(URI.create(master.baseUrl()));
        }
        return new MarathonLocator(new MarathonClient(urls, http, auth, timeout), apps, PortChoice.parse("web"), clock);
    }

    /** The login of service account 'mpp', whose key is {@code keys}, at that endpoint. */
    private DcosAuthenticator login(KeyPair keys, String loginEndpoint) {
        PrincipalSecret secret = PrincipalSecret.parse(TestKeys.secret("mpp", TestKeys.pkcs1(keys), loginEndpoint),
                "test", "");
        return new DcosAuthenticator(new DcosLogin(http, secret, Duration.ofSeconds(2), clock), clock);
    }

    private static List<String> urls(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::url).toList();
    }

    @Test
    void readsEveryAppInItsNetworkMode() throws Exception {
        WireMockServer marathon = server();
        serve(marathon, app("/host").network("host").port("admin", 0).port("web", 0)
                .task(task("host.a").host("10.0.0.1").ports(31000, 31001)), "/host");
        serve(marathon, app("/mon/bridge").network("container/bridge").port("web", 9090)
                .task(task("bridge.a").host("10.0.0.2").ports(31500).ip("172.17.0.3")), "/mon/bridge");
        serve(marathon, app("/ip").network("container").port("web", 9090)
                .task(task("ip.a").host("10.0.0.3").ip("9.0.0.7")), "/ip");
        MarathonLocator locator = locator(List.of("/host", "/mon/bridge", "/ip"), MarathonAuth.NONE,
                Duration.ofSeconds(2), marathon);
        assertThat(urls(locator.locate()))
                .containsExactly("http://10.0.0.1:31001", "http://10.0.0.2:31500", "http://9.0.0.7:9090");
        assertThat(locator.locate()).allSatisfy(e -> assertThat(e.locator()).isEqualTo(locator.name()));
        marathon.verify(getRequestedFor(urlPathEqualTo("/v2/apps/mon/bridge"))
                .withQueryParam("embed", WireMock.equalTo("app.tasks"))
                .withHeader("Accept", WireMock.equalTo("application/json"))
                .withoutHeader("Authorization"));
    }

    @Test
    void anUnknownAppKeepsItsLastKnownEndpointsWhileTheOthersUpdate() throws Exception {
        WireMockServer marathon = server();
        serve(marathon, app("/a").port("web", 0).task(task("a1").ports(31001)), "/a");
        serve(marathon, app("/b").port("web", 0).task(task("b1").ports(32001)), "/b");
        MarathonLocator locator = locator(List.of("/a", "/b"), MarathonAuth.NONE, Duration.ofSeconds(2), marathon);
        CompositeLocator discovery = new CompositeLocator(List.of(locator), Clock.systemUTC());
        LocatorHealthCheck health = new LocatorHealthCheck(discovery, locator.name());
        assertThat(urls(discovery.locate())).containsExactly("http://127.0.0.1:31001", "http://127.0.0.1:32001");
        assertThat(health.execute().isHealthy()).isTrue();
        assertThat(locator.problem()).isNull();

        missing(marathon, "/a");
        serve(marathon, app("/b").port("web", 0).task(task("b1").ports(32001)).task(task("b2").ports(32002)), "/b");
        assertThat(urls(discovery.locate()))
                .containsExactly("http://127.0.0.1:31001", "http://127.0.0.1:32001", "http://127.0.0.1:32002");
        MarathonLocator.AppState a = locator.appStates().get(0);
        assertThat(a.error()).contains("app /a", "404", "App '/a' does not exist");
        assertThat(a.endpoints()).hasSize(1);
        assertThat(locator.appStates().get(1).error()).isNull();
        HealthCheck.Result result = health.execute();
        assertThat(result.isHealthy()).isFalse();
        assertThat(result.getMessage()).contains("app /a", "404", "serving its 1 last known endpoint(s)")
                .doesNotContain("/b");
        assertThat(discovery.state(locator.name()).errors()).isEqualTo(1);

        serve(marathon, app("/a").port("web", 0).task(task("a2").ports(31002)), "/a");
        assertThat(urls(discovery.locate()))
                .containsExactly("http://127.0.0.1:31002", "http://127.0.0.1:32001", "http://127.0.0.1:32002");
        assertThat(health.execute().isHealthy()).isTrue();
    }

    @Test
    void tasksThatCannotBeAddressedAreAWarningNextToEndpointsAndAProblemWithoutAny() throws Exception {
        WireMockServer marathon = server();
        serve(marathon, app("/a").port("web", 0).task(task("a1").ports(31001)), "/a");
        // MPP_MARATHON_PORT names a port the app does not have.
        serve(marathon, app("/b").port("http", 0).task(task("b1").ports(32001)).task(task("b2").ports(32002)), "/b");
        MarathonLocator locator = locator(List.of("/a", "/b"), MarathonAuth.NONE, Duration.ofSeconds(2), marathon);
        CompositeLocator discovery = new CompositeLocator(List.of(locator), Clock.systemUTC());
        LocatorHealthCheck health = new LocatorHealthCheck(discovery, locator.name());
        assertThat(urls(discovery.locate())).containsExactly("http://127.0.0.1:31001");
        HealthCheck.Result wrongPort = health.execute();
        assertThat(wrongPort.isHealthy()).isFalse();
        assertThat(wrongPort.getMessage()).isEqualTo("app /b: no endpoint from its 2 running task(s): app /b"
                + " (host networking) has no port named 'web'; its ports are [http]");
        assertThat(discovery.state(locator.name()).errors()).isEqualTo(1);
        assertThat(locator.warning()).isNull();

        // One task of /b has no host port: skipped next to the one that works.
        serve(marathon, app("/b").port("web", 0).task(task("b1").ports(32001)).task(task("b2")), "/b");
        assertThat(urls(discovery.locate())).containsExactly("http://127.0.0.1:31001", "http://127.0.0.1:32001");
        assertThat(locator.problem()).isNull();
        assertThat(locator.warning()).startsWith("task b2.").contains("of app /b (host networking) skipped:"
                + " it has 0 host port(s), so there is no port at index 0");
        HealthCheck.Result skipped = health.execute();
        assertThat(skipped.isHealthy()).isTrue();
        assertThat(skipped.getMessage()).contains("found 2 endpoint(s)", locator.warning());
        assertThat(discovery.state(locator.name()).errors()).isEqualTo(1);
    }

    @Test
    void whenNoAppCanBeReadTheLocatorFailsAsAWhole() {
        WireMockServer marathon = server();
        missing(marathon, "/a");
        marathon.stubFor(get(urlPathEqualTo("/v2/apps/b")).willReturn(aResponse().withStatus(500)
                .withBody("{\"message\":\"An unexpected server error occurred\"}")));
        MarathonLocator locator = locator(List.of("/a", "/b"), MarathonAuth.NONE, Duration.ofSeconds(2), marathon);
        assertThatThrownBy(locator::locate).isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("app /a: Marathon has no such app (404")
                .hasMessageContaining("no Marathon master answered GET /v2/apps/b")
                .hasMessageContaining("HTTP 500 (An unexpected server error occurred)");
    }

    @Test
    void answersThatAreNotTheAppAreReported() {
        WireMockServer marathon = server();
        marathon.stubFor(get(urlPathEqualTo("/v2/apps/a")).willReturn(okJson("<html>login</html>")));
        marathon.stubFor(get(urlPathEqualTo("/v2/apps/b")).willReturn(okJson("{\"apps\":[]}")));
        MarathonLocator locator = locator(List.of("/a", "/b"), MarathonAuth.NONE, Duration.ofSeconds(2), marathon);
        assertThatThrownBy(locator::locate)
                .hasMessageContaining("app /a: Marathon at " + marathon.baseUrl() + " answered 200 with a body that is not JSON")
                .hasMessageContaining("app /b: Marathon at " + marathon.baseUrl() + " answered 200 without an 'app' object");
    }

    @Test
    void anAnswerTooLargeOrABrokenConnectionIsSaidPlainly() {
        WireMockServer marathon = server();
        marathon.stubFor(get(urlPathEqualTo("/v2/apps/huge")).willReturn(okJson("{\"app\":{\"id\":\"/huge\",\"pad\":\""
                + "x".repeat(33 << 20) + "\",\"tasks\":[]}}")));
        marathon.stubFor(get(urlPathEqualTo("/v2/apps/chunk")).willReturn(aResponse()
                .withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        marathon.stubFor(get(urlPathEqualTo("/v2/apps/reset")).willReturn(aResponse()
                .withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThatThrownBy(locator(List.of("/huge"), MarathonAuth.NONE, Duration.ofSeconds(10), marathon)::locate)
                .hasMessage("no Marathon master answered GET /v2/apps/huge?embed=app.tasks: " + marathon.baseUrl()
                        + ": the answer is larger than 32 MiB, the most mpp reads");
        for (String app : List.of("/chunk", "/reset")) {
            assertThatThrownBy(locator(List.of(app), MarathonAuth.NONE, Duration.ofSeconds(10), marathon)::locate)
                    .hasMessage("no Marathon master answered GET /v2/apps" + app + "?embed=app.tasks: "
                            + marathon.baseUrl() + ": EOFException: connection closed");
        }
    }

    @Test
    void failsOverToTheNextMasterAndStaysThere() throws Exception {
        WireMockServer first = server();
        WireMockServer second = server();
        first.stubFor(get(urlPathEqualTo("/v2/apps/a")).willReturn(aResponse().withStatus(503)
                .withBody("{\"message\":\"Could not determine the current leader\"}")));
        serve(second, app("/a").port("web", 0).task(task("a1").ports(31001)), "/a");
        MarathonLocator locator = locator(List.of("/a"), MarathonAuth.NONE, Duration.ofSeconds(2), first, second);
        assertThat(urls(locator.locate())).containsExactly("http://127.0.0.1:31001");
        assertThat(urls(locator.locate())).containsExactly("http://127.0.0.1:31001");
        first.verify(1, getRequestedFor(urlPathEqualTo("/v2/apps/a")));
        second.verify(2, getRequestedFor(urlPathEqualTo("/v2/apps/a")));

        // The second master goes away; the first answers again.
        serve(first, app("/a").port("web", 0).task(task("a2").ports(31002)), "/a");
        String secondUrl = second.baseUrl();
        second.stop();
        assertThat(urls(locator.locate())).containsExactly("http://127.0.0.1:31002");

        first.stop();
        assertThatThrownBy(locator::locate).isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("no Marathon master answered")
                .hasMessageContaining(secondUrl + ": connection refused");
    }

    @Test
    void aSilentMasterIsLeftAfterTheTimeout() throws Exception {
        WireMockServer slow = server();
        WireMockServer good = server();
        slow.stubFor(get(urlPathEqualTo("/v2/apps/a")).willReturn(okJson("{}").withFixedDelay(20_000)));
        serve(good, app("/a").port("web", 0).task(task("a1").ports(31001)), "/a");
        MarathonLocator locator = locator(List.of("/a"), MarathonAuth.NONE, Duration.ofSeconds(2), slow, good);
        assertThat(urls(locator.locate())).containsExactly("http://127.0.0.1:31001");

        MarathonLocator alone = locator(List.of("/a"), MarathonAuth.NONE, Duration.ofSeconds(2), slow);
        assertThatThrownBy(alone::locate).hasMessageContaining("no answer within 2000 ms");
    }

    @Test
    void onceEveryMasterFailedTheOtherAppsAreNotAsked() throws Exception {
        WireMockServer first = server();
        WireMockServer second = server();
        for (WireMockServer hanging : List.of(first, second)) {
            hanging.stubFor(get(urlPathMatching("/v2/apps/.*")).willReturn(okJson("{}").withFixedDelay(20_000)));
        }
        MarathonLocator locator = locator(List.of("/a", "/b", "/c"), MarathonAuth.NONE, Duration.ofMillis(300),
                first, second);
        for (int run = 1; run <= 2; run++) {
            assertThatThrownBy(locator::locate).isInstanceOf(DiscoveryException.class)
                    .hasMessageStartingWith("no Marathon master answered GET /v2/apps/a?embed=app.tasks")
                    .hasMessageContaining("no answer within 300 ms");
            first.verify(run, getRequestedFor(urlPathMatching("/v2/apps/.*")));
            second.verify(run, getRequestedFor(urlPathMatching("/v2/apps/.*")));
        }
        assertThat(locator.appStates()).extracting(MarathonLocator.AppState::error).containsExactly(
                locator.appStates().get(0).error(),
                "app /b: not asked, as " + locator.appStates().get(0).error(),
                "app /c: not asked, as " + locator.appStates().get(0).error());
    }

    @Test
    void withDcosLoginTokensAreRenewedBeforeExpiryAndOnceAfterA401() throws Exception {
        KeyPair keys = TestKeys.rsa(2048);
        FakeDcos dcos = new FakeDcos("mpp", keys.getPublic(), clock, Duration.ofMinutes(20));
        WireMockServer login = server(dcos.loginEndpoint());
        login.stubFor(post(urlPathEqualTo("/acs/api/v1/auth/login")).willReturn(aResponse().withTransformers("dcos-login")));
        WireMockServer marathon = server(dcos.marathonGuard());
        serve(marathon, app("/a").port("web", 0).task(task("a1").ports(31001)), "/a");
        DcosAuthenticator auth = login(keys, login.baseUrl() + "/acs/api/v1/auth/login");
        MarathonLocator locator = locator(List.of("/a"), auth, Duration.ofSeconds(2), marathon);

        assertThat(urls(locator.locate())).containsExactly("http://127.0.0.1:31001");
        assertThat(dcos.logins()).isEqualTo(1);
        marathon.verify(getRequestedFor(urlPathEqualTo("/v2/apps/a"))
                .withHeader("Authorization", WireMock.equalTo("token=" + dcos.issuedTokens().get(0))));

        // Past the token's exp: mpp logged in again before, so Marathon never saw the expired token.
        clock.advance(Duration.ofMinutes(25));
        assertThat(urls(locator.locate())).containsExactly("http://127.0.0.1:31001");
        assertThat(dcos.logins()).isEqualTo(2);
        assertThat(dcos.rejectedByMarathon()).isZero();

        // Marathon stops accepting the token: one 401, one login, the call is repeated.
        dcos.revoke(dcos.issuedTokens().get(1));
        assertThat(urls(locator.locate())).containsExactly("http://127.0.0.1:31001");
        assertThat(dcos.rejectedByMarathon()).isEqualTo(1);
        assertThat(dcos.logins()).isEqualTo(3);
        assertThat(dcos.loginRefusals()).isEmpty();

        // The fake does refuse an expired token: a client that kept the first one is turned away.
        String stale = "token=" + dcos.issuedTokens().get(0);
        MarathonAuth staleAuth = new MarathonAuth() {
            @Override
            public String authorization() {
                return stale;
            }

            @Override
            public void rejected(String authorization) {
            }

            @Override
            public void accepted(String authorization) {
            }
        };
        assertThatThrownBy(locator(List.of("/a"), staleAuth, Duration.ofSeconds(2), marathon)::locate)
                .hasMessageContaining("refused access (401: invalid token: ExpiredJwtException)");
    }

    @Test
    void anAppAnswerUnlikeMarathonsIsThatAppsProblemOnly() throws Exception {
        WireMockServer marathon = server();
        serve(marathon, app("/good").port("web", 0).task(task("g1").ports(31001)), "/good");
        marathon.stubFor(get(urlPathEqualTo("/v2/apps/bad")).willReturn(okJson(
                "{\"app\":{\"id\":\"/bad\",\"portDefinitions\":{\"p\":{\"name\":\"web\"}},\"tasks\":[{}]}}")));
        MarathonLocator locator = locator(List.of("/good", "/bad"), MarathonAuth.NONE, Duration.ofSeconds(2),
                marathon);
        assertThat(urls(locator.locate())).containsExactly("http://127.0.0.1:31001");
        assertThat(locator.appStates().get(1).skipped()).containsExactly("app /bad (host networking) has no port"
                + " named 'web'; its ports are []");
    }

    @Test
    void aFreshTokenMarathonRejectedOnceIsHealthyAgainWhenMarathonTakesIt() throws Exception {
        KeyPair keys = TestKeys.rsa(2048);
        FakeDcos dcos = new FakeDcos("mpp", keys.getPublic(), clock, Duration.ofDays(5));
        WireMockServer login = server(dcos.loginEndpoint());
        login.stubFor(post(urlPathEqualTo("/login")).willReturn(aResponse().withTransformers("dcos-login")));
        WireMockServer marathon = server();
        // A login that takes a while to reach every master: its token is turned away at first.
        for (int i = 0; i < 3; i++) {
            marathon.stubFor(get(urlPathEqualTo("/v2/apps/a")).inScenario("rollout")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "rejected " + i)
                    .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                            .withBody("{\"title\":\"Invalid token\"}"))
                    .willSetStateTo(i == 2 ? "taken" : "rejected " + (i + 1)));
        }
        marathon.stubFor(get(urlPathEqualTo("/v2/apps/a")).inScenario("rollout").whenScenarioStateIs("taken")
                .willReturn(okJson(app("/a").port("web", 0).task(task("a1").ports(31001)).json())));
        DcosAuthenticator auth = login(keys, login.baseUrl() + "/login");
        DcosLoginHealthCheck health = new DcosLoginHealthCheck(auth, clock);
        MarathonLocator locator = locator(List.of("/a"), auth, Duration.ofSeconds(2), marathon);

        assertThatThrownBy(locator::locate).hasMessageContaining("also after a fresh login");
        assertThat(health.execute().isHealthy()).isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(locator::locate).hasMessageContaining("refused access (401");

        assertThat(urls(locator.locate())).containsExactly("http://127.0.0.1:31001");
        HealthCheck.Result result = health.execute();
        assertThat(result.isHealthy()).as(result.getMessage()).isTrue();
        assertThat(dcos.logins()).isEqualTo(2);
    }

    @Test
    void a401SaysWhetherToGiveASecretOrThatTheFreshTokenWasRejectedAndA403NamesThePermission() throws Exception {
        KeyPair keys = TestKeys.rsa(2048);
        FakeDcos dcos = new FakeDcos("mpp", keys.getPublic(), clock, Duration.ofMinutes(20));
        WireMockServer login = server(dcos.loginEndpoint());
        login.stubFor(post(urlPathEqualTo("/login")).willReturn(aResponse().withTransformers("dcos-login")));
        WireMockServer marathon = server();
        marathon.stubFor(get(urlPathMatching("/v2/apps/.*")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"title\":\"Unauthorized\",\"description\":\"Authentication required\"}")));
        String refused = "app /a: Marathon at " + marathon.baseUrl()
                + " refused access (401: Authentication required); ";

        assertThatThrownBy(locator(List.of("/a"), MarathonAuth.NONE, Duration.ofSeconds(2), marathon)::locate)
                .hasMessage(refused + "mpp calls Marathon without login: give a DC/OS service account's principal"
                        + " secret in MPP_MARATHON_PRINCIPAL_SECRET (or MPP_MARATHON_PRINCIPAL_SECRET_FILE, or"
                        + " DCOS_SERVICE_ACCOUNT_CREDENTIAL)");

        DcosAuthenticator auth = login(keys, login.baseUrl() + "/login");
        MarathonLocator locator = locator(List.of("/a", "/b", "/c"), auth, Duration.ofSeconds(2), marathon);
        for (int selection = 0; selection < 3; selection++) {
            assertThatThrownBy(locator::locate).hasMessageStartingWith(refused + "it rejected the auth token of"
                    + " service account 'mpp' also after a fresh login; check that the login endpoint belongs to"
                    + " this cluster");
        }
        // The first login, and one after the first 401; the fresh token is rejected too, so no more for a while.
        assertThat(dcos.logins()).isEqualTo(2);
        clock.advance(DcosAuthenticator.RELOGIN_PAUSE);
        assertThatThrownBy(locator::locate).isInstanceOf(DiscoveryException.class);
        assertThat(dcos.logins()).isEqualTo(3);

        marathon.stubFor(get(urlPathMatching("/v2/apps/.*")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"title\":\"Forbidden\",\"description\":\"not allowed\"}")));
        assertThatThrownBy(locator(List.of("/a"), auth, Duration.ofSeconds(2), marathon)::locate)
                .hasMessage("app /a: Marathon at " + marathon.baseUrl() + " refused access (403: not allowed); the"
                        + " service account needs the permission dcos:service:marathon:marathon:services:/a read");
    }

    @Test
    void aRefusedLoginIsReportedWithItsStatus() {
        KeyPair keys = TestKeys.rsa(2048);
        WireMockServer login = server();
        login.stubFor(post(urlPathEqualTo("/login")).willReturn(aResponse().withStatus(401)
                .withBody("{\"title\":\"Invalid authentication\",\"description\":\"invalid uid or token\"}")));
        WireMockServer marathon = server();
        DcosAuthenticator auth = login(keys, login.baseUrl() + "/login");
        MarathonLocator locator = locator(List.of("/a"), auth, Duration.ofSeconds(2), marathon);
        assertThatThrownBy(locator::locate)
                .hasMessageContaining("DC/OS login at " + login.baseUrl() + "/login for service account 'mpp'"
                        + " was refused with HTTP 401 (invalid uid or token)");
        marathon.verify(0, getRequestedFor(urlPathEqualTo("/v2/apps/a")));
    }
}
