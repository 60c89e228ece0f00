package io.mpp.discovery.marathon.dcos;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.health.HealthCheck;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.mpp.discovery.DiscoveryException;
import io.mpp.discovery.marathon.TlsClients;
import io.mpp.testing.FreePorts;
import io.mpp.testing.marathon.FakeDcos;
import io.mpp.testing.marathon.MutableClock;
import io.mpp.testing.marathon.TestKeys;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DcosAuthenticatorTest {

    private static final String LOGIN_PATH = "/acs/api/v1/auth/login";
    private static final String UID = "mpp-sa";
    static KeyPair keys;

    MutableClock clock;
    FakeDcos dcos;
    WireMockServer login;
    HttpClient http;

    @BeforeAll
    static void keys() {
        keys = TestKeys.rsa(2048);
    }

    @BeforeEach
    void start() throws Exception {
        clock = MutableClock.now();
        dcos = new FakeDcos(UID, keys.getPublic(), clock, Duration.ofMinutes(20));
        login = new WireMockServer(options().port(FreePorts.next()).bindAddress("127.0.0.1")
                .extensions(dcos.loginEndpoint()));
        login.start();
        login.stubFor(post(urlPathEqualTo(LOGIN_PATH)).willReturn(aResponse().withTransformers("dcos-login")));
        http = TlsClients.create("test", false, null, Duration.ofSeconds(2));
        http.start();
    }

    @AfterEach
    void stop() throws Exception {
        http.stop();
        login.stop();
    }

    private String loginUrl() {
        return login.baseUrl() + LOGIN_PATH;
    }

    private DcosAuthenticator authenticator(KeyPair keyPair, Duration timeout) {
        PrincipalSecret secret = PrincipalSecret.parse(TestKeys.secret(UID, TestKeys.pkcs1(keyPair), loginUrl()),
                "test secret", "");
        return new DcosAuthenticator(new DcosLogin(http, secret, timeout, clock), clock);
    }

    @Test
    void logsInWithASignedLoginTokenAndSendsTheAuthTokenAsTokenHeader() throws Exception {
        String header = authenticator(keys, Duration.ofSeconds(5)).authorization();
        assertThat(dcos.loginRefusals()).isEmpty();
        assertThat(dcos.logins()).isEqualTo(1);
        assertThat(header).isEqualTo("token=" + dcos.issuedTokens().get(0));
        login.verify(postRequestedFor(urlPathEqualTo(LOGIN_PATH))
                .withHeader("Content-Type", WireMock.containing("application/json"))
                .withRequestBody(matchingJsonPath("$.uid", WireMock.equalTo(UID)))
                .withRequestBody(matchingJsonPath("$.token")));
    }

    @Test
    void theTokenIsReusedAndRenewedBeforeItsOwnExp() throws Exception {
        DcosAuthenticator auth = authenticator(keys, Duration.ofSeconds(5));
        String first = auth.authorization();
        clock.advance(Duration.ofMinutes(14));
        assertThat(auth.authorization()).isEqualTo(first);
        assertThat(dcos.logins()).isEqualTo(1);
        // 20 minute token: renewed 5 minutes before exp, so never sent expired.
        clock.advance(Duration.ofMinutes(2));
        String second = auth.authorization();
        assertThat(second).isNotEqualTo(first);
        assertThat(dcos.logins()).isEqualTo(2);
        assertThat(dcos.loginRefusals()).isEmpty();
    }

    @Test
    void shortLivedTokensAreRenewedAtHalfTheirLifetime() throws Exception {
        AuthToken token = AuthToken.of(jwtWithExp(Instant.ofEpochSecond(1_000_100)), Instant.ofEpochSecond(1_000_000));
        assertThat(token.expires()).isEqualTo(Instant.ofEpochSecond(1_000_100));
        assertThat(token.refreshAt()).isEqualTo(Instant.ofEpochSecond(1_000_050));
        AuthToken opaque = AuthToken.of("not-a-jwt", Instant.ofEpochSecond(1_000_000));
        assertThat(opaque.expires()).isEqualTo(Instant.ofEpochSecond(1_000_000).plus(AuthToken.UNKNOWN_LIFETIME));
        assertThat(opaque.toString()).doesNotContain("not-a-jwt");
    }

    @Test
    void aTokenWhoseExpNoClockHoldsOrIsPastIsKeptForTheUnknownLifetime() {
        Instant now = Instant.ofEpochSecond(1_000_000);
        // 1e20 s: Instant cannot hold it; the token is still usable, with the lifetime of one that has no exp.
        AuthToken huge = AuthToken.of(jwtWithExp("1e20"), now);
        assertThat(huge.expires()).isEqualTo(now.plus(AuthToken.UNKNOWN_LIFETIME));
        // Past by this clock (clocks apart): kept for a while rather than replaced before every call.
        AuthToken past = AuthToken.of(jwtWithExp(Long.toString(now.getEpochSecond() - 60)), now);
        assertThat(past.refreshAt()).isAfter(now.plus(Duration.ofMinutes(30)));
    }

    private static String jwtWithExp(Instant exp) {
        return jwtWithExp(Long.toString(exp.getEpochSecond()));
    }

    private static String jwtWithExp(String exp) {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\"}".getBytes()) + "."
                + b64.encodeToString(("{\"uid\":\"x\",\"exp\":" + exp + "}").getBytes()) + ".sig";
    }

    @Test
    void concurrentCallersShareOneLogin() throws Exception {
        login.stubFor(post(urlPathEqualTo(LOGIN_PATH))
                .willReturn(aResponse().withTransformers("dcos-login").withFixedDelay(400)));
        DcosAuthenticator auth = authenticator(keys, Duration.ofSeconds(5));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> headers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                headers.add(pool.submit(() -> {
                    go.await();
                    return auth.authorization();
                }));
            }
            go.countDown();
            Set<String> distinct = new HashSet<>();
            for (Future<String> header : headers) {
                distinct.add(header.get(10, TimeUnit.SECONDS));
            }
            assertThat(distinct).hasSize(1);
            assertThat(dcos.logins()).isEqualTo(1);
            login.verify(1, postRequestedFor(urlPathEqualTo(LOGIN_PATH)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRejectedTokenIsReplacedAndOnlyThatToken() throws Exception {
        DcosAuthenticator auth = authenticator(keys, Duration.ofSeconds(5));
        String first = auth.authorization();
        auth.rejected(first);
        String second = auth.authorization();
        assertThat(second).isNotEqualTo(first);
        auth.rejected(first); // a late 401 for the old token must not throw away the new one
        assertThat(auth.authorization()).isEqualTo(second);
        assertThat(dcos.logins()).isEqualTo(2);
    }

    @Test
    void aFreshTokenMarathonRejectedAndThenTookIsShownInUseAgain() throws Exception {
        DcosAuthenticator auth = authenticator(keys, Duration.ofSeconds(5));
        DcosLoginHealthCheck health = new DcosLoginHealthCheck(auth, clock);
        String first = auth.authorization();
        auth.rejected(first);
        String fresh = auth.authorization();
        auth.rejected(fresh); // rejected right after the login: kept for the pause, shown as no token
        assertThat(auth.authorization()).isEqualTo(fresh);
        assertThat(health.execute().isHealthy()).isFalse();

        auth.accepted(first); // an old token's late answer changes nothing
        assertThat(health.execute().isHealthy()).isFalse();
        auth.accepted(fresh);
        HealthCheck.Result taken = health.execute();
        assertThat(taken.isHealthy()).as(taken.getMessage()).isTrue();
        assertThat(taken.getMessage()).contains("holds a token valid until");
        assertThat(auth.state().token().value()).isEqualTo(fresh.substring("token=".length()));
        assertThat(dcos.logins()).isEqualTo(2);
    }

    @Test
    void mastersThatDisagreeOnAFreshTokenMakeOneWarningAndOneRecoveryLine() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DcosAuthenticator.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            DcosAuthenticator auth = authenticator(keys, Duration.ofSeconds(5));
            auth.rejected(auth.authorization());
            String fresh = auth.authorization();
            for (int i = 0; i < 5; i++) { // one master turns it away, the next takes it
                auth.rejected(fresh);
                auth.accepted(fresh);
            }
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
            assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("accepts the auth token"))
                    .hasSize(1);
            assertThat(new DcosLoginHealthCheck(auth, clock).execute().isHealthy()).isTrue();
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void aFailedRenewalKeepsTheTokenUntilItExpiresAndWarnsOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DcosAuthenticator.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            DcosAuthenticator auth = authenticator(keys, Duration.ofSeconds(5));
            DcosLoginHealthCheck health = new DcosLoginHealthCheck(auth, clock);
            String first = auth.authorization();
            login.stubFor(post(urlPathEqualTo(LOGIN_PATH)).willReturn(aResponse().withStatus(503)
                    .withBody("{\"title\":\"Service Unavailable\",\"description\":\"IAM is down\"}")));
            // 20 minute token: 4 minutes before its exp it is due for renewal, and the login fails.
            clock.advance(Duration.ofMinutes(16));
            assertThat(auth.authorization()).isEqualTo(first);
            assertThat(auth.authorization()).isEqualTo(first); // no second login within the retry pause
            login.verify(2, postRequestedFor(urlPathEqualTo(LOGIN_PATH)));
            clock.advance(DcosAuthenticator.RENEWAL_RETRY);
            assertThat(auth.authorization()).isEqualTo(first);
            login.verify(3, postRequestedFor(urlPathEqualTo(LOGIN_PATH)));
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("HTTP 503 (IAM is down)", "keeping the current auth token")
                    .doesNotContain(first.substring("token=".length()));
            HealthCheck.Result renewalFailed = health.execute();
            assertThat(renewalFailed.isHealthy()).isTrue();
            assertThat(renewalFailed.getMessage()).contains("the last login failed", "HTTP 503");

            // Past its exp no token is left.
            clock.advance(Duration.ofMinutes(4));
            assertThatThrownBy(auth::authorization).isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("HTTP 503 (IAM is down)");
            assertThat(health.execute().isHealthy()).isFalse();
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void aRefusedLoginNamesTheStatusAndTheAccountButNoSecret() {
        KeyPair otherKeys = TestKeys.rsa(2048);
        DcosAuthenticator auth = authenticator(otherKeys, Duration.ofSeconds(5));
        assertThatThrownBy(auth::authorization)
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("refused with HTTP 401")
                .hasMessageContaining("'" + UID + "'")
                .hasMessageContaining(loginUrl())
                .hasMessageContaining("SignatureException")
                .hasMessageNotContaining("token=")
                .hasMessageNotContaining("MII");
        assertThat(dcos.loginRefusals()).singleElement().asString().contains("SignatureException");

        login.stubFor(post(urlPathEqualTo(LOGIN_PATH)).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"title\":\"Forbidden\",\"description\":\"account is disabled\"}")));
        assertThatThrownBy(authenticator(keys, Duration.ofSeconds(5))::authorization)
                .hasMessageContaining("refused with HTTP 403 (account is disabled)");
    }

    @Test
    void aPasswordSecretPostsUidAndPassword() throws Exception {
        login.stubFor(post(urlPathEqualTo(LOGIN_PATH))
                .withRequestBody(equalToJson("{\"uid\":\"bob\",\"password\":\"pw\"}"))
                .willReturn(okJson("{\"token\":\"" + jwtWithExp(Instant.now().plusSeconds(3600)) + "\"}")));
        PrincipalSecret secret = PrincipalSecret.parse("{\"uid\":\"bob\",\"password\":\"pw\"}", "test", loginUrl());
        String header = new DcosAuthenticator(new DcosLogin(http, secret, Duration.ofSeconds(5), clock), clock)
                .authorization();
        assertThat(header).startsWith("token=ey");
    }

    @Test
    void anUnreachableOrSlowLoginEndpointFailsWithinItsTimeout() {
        login.stubFor(post(urlPathEqualTo(LOGIN_PATH)).willReturn(okJson("{\"token\":\"x\"}")
                .withFixedDelay(5_000)));
        assertThatThrownBy(authenticator(keys, Duration.ofMillis(300))::authorization)
                .hasMessageContaining("failed: no answer within 300 ms");
        DcosAuthenticator auth = authenticator(keys, Duration.ofSeconds(2));
        String url = loginUrl();
        login.stop();
        assertThatThrownBy(auth::authorization).hasMessageContaining(url).hasMessageContaining("connection refused");
    }

    @Test
    void aLoginAnswerWithoutTokenIsReported() {
        login.stubFor(post(urlPathEqualTo(LOGIN_PATH)).willReturn(okJson("{\"tok\":\"x\"}")));
        assertThatThrownBy(authenticator(keys, Duration.ofSeconds(2))::authorization)
                .hasMessageContaining("answered 200 without a 'token' field");
    }

    @Test
    void theHealthCheckFollowsTheTokenAndTheMetricsCountLoginsByResult() throws Exception {
        DcosAuthenticator auth = authenticator(keys, Duration.ofSeconds(5));
        DcosLoginHealthCheck health = new DcosLoginHealthCheck(auth, clock);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        auth.bindTo(registry);
        HealthCheck.Result before = health.execute();
        assertThat(before.isHealthy()).isFalse();
        assertThat(before.getMessage()).contains("'" + UID + "'", "has not logged in yet");

        String header = auth.authorization();
        HealthCheck.Result loggedIn = health.execute();
        assertThat(loggedIn.isHealthy()).isTrue();
        assertThat(loggedIn.getMessage()).contains("holds a token valid until");
        assertThat(logins(registry, "success")).isEqualTo(1);

        // Nobody called Marathon for longer than the token lives (20 minutes here).
        clock.advance(Duration.ofMinutes(21));
        HealthCheck.Result expired = health.execute();
        assertThat(expired.isHealthy()).isFalse();
        assertThat(expired.getMessage()).contains("expired at");

        auth.authorization();
        assertThat(health.execute().isHealthy()).isTrue();
        assertThat(logins(registry, "success")).isEqualTo(2);

        // Marathon rejects the token, and the login endpoint fails from then on.
        auth.rejected("token=" + dcos.issuedTokens().get(1));
        HealthCheck.Result rejected = health.execute();
        assertThat(rejected.isHealthy()).isFalse();
        assertThat(rejected.getMessage()).contains("holds no token", "rejected");
        login.stubFor(post(urlPathEqualTo(LOGIN_PATH)).willReturn(aResponse().withStatus(503)
                .withBody("{\"title\":\"Service Unavailable\",\"description\":\"IAM is down\"}")));
        assertThatThrownBy(auth::authorization).isInstanceOf(DiscoveryException.class);
        HealthCheck.Result failed = health.execute();
        assertThat(failed.isHealthy()).isFalse();
        assertThat(failed.getMessage()).contains("holds no token", "HTTP 503")
                .doesNotContain(header.substring("token=".length()));
        assertThat(logins(registry, "failure")).isEqualTo(1);
        assertThat(registry.scrape()).contains("mpp_dcos_logins_total{result=\"failure\"} 1.0",
                "mpp_dcos_logins_total{result=\"success\"} 2.0", "mpp_dcos_token_expiry_timestamp_seconds NaN");
    }

    private static double logins(PrometheusMeterRegistry registry, String result) {
        return registry.get("mpp_dcos_logins").tag("result", result).functionCounter().count();
    }
}
