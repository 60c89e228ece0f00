package io.mpp.discovery.kubernetes;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mpp.discovery.kubernetes.KubeClientsTest.NS;
import static io.mpp.discovery.kubernetes.KubeClientsTest.SELECTOR;
import static io.mpp.discovery.kubernetes.KubeClientsTest.capturedLog;
import static io.mpp.discovery.kubernetes.KubeClientsTest.failureOf;
import static io.mpp.discovery.kubernetes.KubeClientsTest.locator;
import static io.mpp.discovery.kubernetes.KubeClientsTest.urls;
import static io.mpp.testing.FakeKubeApi.containerPort;
import static io.mpp.testing.FakeKubeApi.json;
import static io.mpp.testing.FakeKubeApi.list;
import static io.mpp.testing.FakeKubeApi.ok;
import static io.mpp.testing.FakeKubeApi.pod;
import static io.mpp.testing.FakeKubeApi.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.DiscoveryException;
import io.mpp.testing.FakeKubeApi;
import io.mpp.testing.FreePorts;
import io.mpp.testing.marathon.TestTls;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A kubeconfig's oidc auth-provider, renewed by mpp rather than the client, whose renewal has no bound: WireMock
 * plays the API server and, over https with a CA of the test's, the identity provider.
 */
class OidcTokenTest {

    static final String SECRET = "s3cret/+=";
    static final String REFRESH = "refresh-token-1-x7q";
    static final String TOKEN_PATH = "/realms/mpp/protocol/openid-connect/token";

    @TempDir
    Path dir;
    FakeKubeApi api;
    TestTls tls;
    WireMockServer idp;

    @BeforeEach
    void start() throws Exception {
        api = FakeKubeApi.start(dir);
        tls = TestTls.create(dir, "idp");
        idp = new WireMockServer(options().httpDisabled(true).httpsPort(FreePorts.next()).bindAddress("127.0.0.1")
                .keystorePath(tls.keystore().toString()).keystoreType("PKCS12")
                .keystorePassword(TestTls.PASSWORD).keyManagerPassword(TestTls.PASSWORD));
        idp.start();
        idp.stubFor(get(urlPathEqualTo("/realms/mpp/.well-known/openid-configuration")).willReturn(okJson("""
                {"issuer":"%1$s","token_endpoint":"%1$s/protocol/openid-connect/token",\
                "jwks_uri":"%1$s/protocol/openid-connect/certs"}""".formatted(issuer()))));
    }

    @AfterEach
    void stop() {
        idp.stop();
        api.close();
    }

    @Test
    void anUnexpiredIdTokenIsSentAsItIsWithoutAskingTheIdentityProvider() throws Exception {
        String idToken = jwt(Instant.now().plus(Duration.ofHours(1)));
        acceptIdToken(idToken, "10.8.0.1");
        KubernetesLocator locator = patientLocator(kubeconfig(idToken, REFRESH));
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.1:9090");
        assertThat(idp.getAllServeEvents()).isEmpty();
    }

    @Test
    void anExpiryWrittenAsTextIsReadAsClientGoReadsIt() throws Exception {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String idToken = base64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"exp\":\"" + Instant.now().plus(Duration.ofHours(1)).getEpochSecond()
                + "\"}").getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
        acceptIdToken(idToken, "10.8.0.3");
        KubernetesLocator locator = patientLocator(kubeconfig(idToken, REFRESH));
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.3:9090");
        assertThat(idp.getAllServeEvents()).as("not renewed: it has not expired").isEmpty();
    }

    @Test
    void anExpiredIdTokenIsRenewedAndTheNewOneSent() throws Exception {
        String renewed = jwt(Instant.now().plus(Duration.ofHours(1)));
        answerRefresh(REFRESH, okJson(tokens(renewed, null)));
        acceptIdToken(renewed, "10.8.0.2");
        KubernetesLocator locator = patientLocator(kubeconfig(jwt(Instant.now().minusSeconds(60)), REFRESH));
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.2:9090");
        assertThat(urls(locator.locate())).as("kept for the next call").containsExactly("http://10.8.0.2:9090");

        assertThat(grants()).singleElement().satisfies(grant -> {
            assertThat(grant.formParameters()).containsOnlyKeys("grant_type", "refresh_token");
            assertThat(grant.formParameters().get("grant_type").firstValue()).isEqualTo("refresh_token");
            assertThat(grant.formParameters().get("refresh_token").firstValue()).isEqualTo(REFRESH);
            // Form-encoded, then basic auth, as RFC 6749 and client-go have it.
            assertThat(grant.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                    "mpp:s3cret%2F%2B%3D".getBytes(StandardCharsets.UTF_8)));
        });
    }

    @Test
    void aRefusedIdTokenIsRenewedWithTheRefreshTokenTheProviderRotated() throws Exception {
        String first = jwt(Instant.now().plus(Duration.ofHours(1)));
        String second = jwt(Instant.now().plus(Duration.ofHours(2)));
        answerRefresh(REFRESH, okJson(tokens(first, "refresh-token-2")));
        answerRefresh("refresh-token-2", okJson(tokens(second, "refresh-token-3")));
        acceptIdToken(first, "10.8.0.1");
        // No id-token yet: one is fetched before the first call. The CA as a file this time.
        KubernetesLocator locator = patientLocator(withCaFile(kubeconfig(null, REFRESH)));
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.1:9090");

        // Revoked before it expired: the API server refuses it from now on.
        api.podsFor(NS, "Bearer " + first, 1, json(401, status(401, "Unauthorized", "Unauthorized")));
        acceptIdToken(second, "10.8.0.3");
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.3:9090");
        assertThat(grants()).extracting(
                grant -> grant.formParameters().get("refresh_token").firstValue())
                .containsExactly(REFRESH, "refresh-token-2");
    }

    @Test
    void anIdentityProviderThatNeverAnswersFailsTheListWithinTheTimeoutNamingTheIssuer() throws Exception {
        // Takes connections (the kernel does) and never says a word, not even TLS's.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String issuer = "https://someone:pw@127.0.0.1:" + silent.getLocalPort() + "/realms/mpp";
            Path kubeconfig = kubeconfig(issuer + "?tenant=x", jwt(Instant.now().minusSeconds(60)), REFRESH);
            long started = System.nanoTime();
            // Off the test thread: without a bound, the list would wait for ever.
            Throwable failure = failureOf(() -> locator(kubeconfig)).get(60, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(failure).isInstanceOf(DiscoveryException.class).hasMessage("cannot get a token for the"
                    + " Kubernetes API server at " + api.url() + " to list pods matching '" + SELECTOR + "'"
                    + " (MPP_KUBE_POD_LABEL_SELECTOR) in namespace '" + NS + "': the kubeconfig's oidc auth-provider"
                    + " cannot renew its id-token at the issuer https://127.0.0.1:" + silent.getLocalPort()
                    + "/realms/mpp: no answer from its discovery document (.well-known/openid-configuration) within"
                    + " 2s");

            // The same with a token endpoint that never answers, after a discovery document that does; in time for a
            // cold JVM's first TLS handshake with the provider.
            idp.stubFor(get(urlPathEqualTo("/realms/mpp/.well-known/openid-configuration")).willReturn(okJson(
                    "{\"token_endpoint\":\"https://127.0.0.1:" + silent.getLocalPort() + "/token\"}")));
            Path toSilence = kubeconfig(jwt(Instant.now().minusSeconds(60)), REFRESH);
            started = System.nanoTime();
            assertThat(failureOf(() -> locatorWithin(toSilence, Duration.ofSeconds(5))).get(60, TimeUnit.SECONDS))
                    .hasMessageEndingWith(": no answer from its token endpoint https://127.0.0.1:"
                            + silent.getLocalPort() + "/token within 5s");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aRefusedRefreshTokenFailsEachListWithOneWarningNamingTheStatusButNoSecret() throws Exception {
        answerRefresh(REFRESH, json(400, """
                {"error":"invalid_grant","error_description":"Token refresh-token-1-x7q of client mpp:s3cret\
                 is not active"}"""));
        ListAppender<ILoggingEvent> log = capturedLog();
        try {
            CompositeLocator composite = new CompositeLocator(List.of(patientLocator(kubeconfig(
                    jwt(Instant.now().minusSeconds(60)), REFRESH))), Clock.systemUTC());
            for (int i = 0; i < 3; i++) {
                assertThat(composite.locate()).isEmpty();
            }
            String why = composite.states().get(0).lastError();
            assertThat(why).endsWith(": the kubeconfig's oidc auth-provider cannot renew its id-token at the issuer "
                    + issuer() + ": its token endpoint " + issuer() + "/protocol/openid-connect/token answered 400"
                    + " (invalid_grant)").doesNotContain(REFRESH, SECRET, "s3cret", "not active");
            assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString().contains(why);
        } finally {
            ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        }
        // As client-go's oauth2 library does: basic auth refused, the client's id and secret go in the form.
        assertThat(grants().subList(0, 2))
                .extracting(grant -> grant.formParameters().keySet())
                .containsExactly(Set.of("grant_type", "refresh_token"),
                        Set.of("grant_type", "refresh_token", "client_id", "client_secret"));
        assertThat(api.wiremock().getAllServeEvents()).as("nothing sent without a token").isEmpty();
    }

    @Test
    void anIssuerThatIsNotHttpsIsRefusedAtStartUnlessOnLoopback() throws Exception {
        Path remote = kubeconfig("http://idp.example.com/realms/mpp", jwt(Instant.now()), REFRESH);
        assertThatThrownBy(() -> locator(remote)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MPP_KUBECONFIG " + remote + " cannot be used: its user's oidc auth-provider's"
                        + " idp-issuer-url http://idp.example.com/realms/mpp is not https: mpp sends the refresh-token"
                        + " and client-secret over https only (or over http to a loopback address)");
        Path unparsable = kubeconfig("idp.example.com/realms/mpp?client_secret=hunter2", jwt(Instant.now()), REFRESH);
        assertThatThrownBy(() -> locator(unparsable)).hasMessage("MPP_KUBECONFIG " + unparsable + " cannot be used:"
                + " its user's oidc auth-provider's idp-issuer-url idp.example.com/realms/mpp is not an http or https"
                + " URL");
        Path none = api.authProviderKubeconfig("oidc", "client-id: mpp\nid-token: " + jwt(Instant.now()));
        assertThatThrownBy(() -> locator(none)).hasMessage("MPP_KUBECONFIG " + none + " cannot be used: its user's"
                + " oidc auth-provider has no idp-issuer-url");
    }

    /**
     * Pod mode with a timeout that a cold JVM's first TLS handshakes fit in: the renewal counts against the call's
     * timeout, and the tests that are not about timing must not fail by it.
     */
    private static KubernetesLocator patientLocator(Path kubeconfig) {
        return locatorWithin(kubeconfig, Duration.ofSeconds(20));
    }

    private static KubernetesLocator locatorWithin(Path kubeconfig, Duration timeout) {
        KubernetesLocatorFactory f = KubeClientsTest.factory(kubeconfig);
        f.setTimeout(timeout);
        return f.parts(() -> { }).locator();
    }

    /** The requests to the token endpoint, the first first. */
    private List<LoggedRequest> grants() {
        return idp.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
    }

    /** The kubeconfig with the test CA's file instead of its data. */
    private Path withCaFile(Path kubeconfig) throws Exception {
        String text = Files.readString(kubeconfig);
        Files.writeString(kubeconfig, text.replaceAll("idp-certificate-authority-data: \\S+",
                "idp-certificate-authority: " + tls.caPem()));
        assertThat(Files.readString(kubeconfig)).isNotEqualTo(text);
        return kubeconfig;
    }

    private String issuer() {
        return "https://127.0.0.1:" + idp.httpsPort() + "/realms/mpp";
    }

    /** The API server lists a ready pod at this address for requests with the id-token. */
    private void acceptIdToken(String idToken, String ip) {
        api.podsFor(NS, "Bearer " + Pattern.quote(idToken), 2, ok(list("PodList", "v1", "1",
                pod("prom-" + ip, "1", "Running", true, ip, false, containerPort("web", 9090, "TCP")))));
    }

    private void answerRefresh(String refreshToken, ResponseDefinitionBuilder answer) {
        idp.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withFormParam("refresh_token", equalTo(refreshToken)).willReturn(answer));
    }

    private static String tokens(String idToken, String refreshToken) {
        return "{\"access_token\":\"access-1\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\""
                + idToken + "\"" + (refreshToken == null ? "" : ",\"refresh_token\":\"" + refreshToken + "\"") + "}";
    }

    /** An id-token that expires then, signed by no one: mpp reads it without checking, the API server checks it. */
    private static String jwt(Instant expiry) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"iss\":\"https://idp\",\"sub\":\"mpp\",\"aud\":\"mpp\",\"exp\":"
                + expiry.getEpochSecond() + ",\"nonce\":\"" + System.nanoTime() + "\"}")
                .getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    private Path kubeconfig(String idToken, String refreshToken) throws Exception {
        return kubeconfig(issuer(), idToken, refreshToken);
    }

    /** The test CA as the kubeconfig's data, as kubectl's {@code --embed-certs} writes it. */
    private Path kubeconfig(String issuer, String idToken, String refreshToken) throws Exception {
        return api.authProviderKubeconfig("oidc", """
                idp-issuer-url: '%s'
                client-id: mpp
                client-secret: '%s'
                idp-certificate-authority-data: %s
                """.formatted(issuer, SECRET, Base64.getEncoder().encodeToString(Files.readAllBytes(tls.caPem())))
                + (idToken == null ? "" : "id-token: " + idToken + "\n")
                + (refreshToken == null ? "" : "refresh-token: " + refreshToken + "\n"));
    }
}
