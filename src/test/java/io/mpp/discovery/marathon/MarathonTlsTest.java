package io.mpp.discovery.marathon;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mpp.testing.marathon.MarathonApp.Task.task;
import static io.mpp.testing.marathon.MarathonApp.app;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mpp.discovery.Endpoint;
import io.mpp.testing.FreePorts;
import io.mpp.testing.marathon.MutableClock;
import io.mpp.testing.marathon.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Marathon over https with a certificate of a private CA, as on a strict-mode DC/OS cluster. */
class MarathonTlsTest {

    @TempDir
    static Path dir;
    static TestTls cluster;
    static TestTls other;
    static WireMockServer marathon;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestTls.create(dir, "cluster");
        other = TestTls.create(dir, "other");
        marathon = new WireMockServer(options().httpDisabled(true).httpsPort(FreePorts.next())
                .bindAddress("127.0.0.1").keystorePath(cluster.keystore().toString()).keystoreType("PKCS12")
                .keystorePassword(TestTls.PASSWORD).keyManagerPassword(TestTls.PASSWORD));
        marathon.start();
        marathon.stubFor(get(urlPathEqualTo("/v2/apps/prom"))
                .willReturn(okJson(app("/prom").port("web", 0).task(task("p1").ports(31001)).json())));
    }

    @AfterAll
    static void stop() {
        marathon.stop();
    }

    private static List<String> locate(String base, boolean insecure, Path caFile) throws Exception {
        HttpClient http = TlsClients.create("test", insecure, caFile, Duration.ofSeconds(2));
        http.start();
        try {
            MarathonClient client = new MarathonClient(List.of(java.net.URI.create(base)), http, MarathonAuth.NONE,
                    Duration.ofSeconds(5));
            return new MarathonLocator(client, List.of("/prom"), PortChoice.parse("0"), MutableClock.now()).locate()
                    .stream().map(Endpoint::url).toList();
        } finally {
            http.stop();
        }
    }

    private static String base(String host) {
        return "https://" + host + ":" + marathon.httpsPort();
    }

    @Test
    void theClusterCaFileIsTrustedForTheAddressAndTheName() throws Exception {
        assertThat(locate(base("127.0.0.1"), false, cluster.caPem())).containsExactly("http://127.0.0.1:31001");
        assertThat(locate(base("localhost"), false, cluster.caPem())).containsExactly("http://127.0.0.1:31001");
    }

    @Test
    void aCertificateOfAnotherCaIsRefused() {
        assertThatThrownBy(() -> locate(base("127.0.0.1"), false, other.caPem()))
                .hasMessageContaining("no Marathon master answered").hasMessageContaining("TLS failed");
        // The JVM's own trust store does not know the cluster CA either.
        assertThatThrownBy(() -> locate(base("127.0.0.1"), false, null)).hasMessageContaining("TLS failed");
    }

    @Test
    void insecureCertsTrustAnything() throws Exception {
        assertThat(locate(base("127.0.0.1"), true, other.caPem())).containsExactly("http://127.0.0.1:31001");
    }

    @Test
    void aBadCaFileIsNamedInTheError() throws Exception {
        Path missing = dir.resolve("missing.crt");
        assertThatThrownBy(() -> TlsClients.create("t", false, missing, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MPP_MARATHON_CA_FILE").hasMessageContaining(missing.toString());
        Path garbage = Files.writeString(dir.resolve("garbage.crt"), "not a certificate\n");
        assertThatThrownBy(() -> TlsClients.create("t", false, garbage, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MPP_MARATHON_CA_FILE").hasMessageContaining(garbage.toString());
    }
}
