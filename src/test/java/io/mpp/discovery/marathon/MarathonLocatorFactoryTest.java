package io.mpp.discovery.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.mpp.MppConfiguration;
import io.mpp.discovery.FileLocatorFactory;
import io.mpp.discovery.marathon.dcos.PrincipalSecret;
import io.mpp.testing.marathon.TestKeys;
import io.mpp.testing.ConfigFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;
import org.apache.commons.text.lookup.StringLookupFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository's config.yml, with the variables an operator sets, gives the Marathon locator its settings. */
class MarathonLocatorFactoryTest {

    private static final String LOGIN = "https://leader.mesos/acs/api/v1/auth/login";
    static KeyPair keys;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() {
        keys = TestKeys.rsa(2048);
    }

    /** Loads config.yml as mpp does, with {@code env} as the environment. */
    static MarathonLocatorFactory marathon(Map<String, String> env) throws Exception {
        MppConfiguration config = ConfigFiles.load(env);
        assertThat(config.getLocators().get(0)).isInstanceOf(FileLocatorFactory.class);
        return (MarathonLocatorFactory) config.getLocators().stream()
                .filter(MarathonLocatorFactory.class::isInstance).findFirst().orElseThrow();
    }

    @Test
    void withoutAMarathonUrlTheLocatorIsOff() throws Exception {
        MarathonLocatorFactory factory = marathon(Map.of());
        assertThat(factory.isEnabled()).isFalse();
        assertThat(factory.secret()).isEmpty();
        assertThat(factory.isInsecureCerts()).isFalse();
    }

    @Test
    void theOriginalsVariablesReachTheLocator() throws Exception {
        String secret = TestKeys.secret("mpp-sa", TestKeys.pkcs1(keys), LOGIN);
        MarathonLocatorFactory factory = marathon(Map.of(
                "MPP_MARATHON_URL", "https://m1.mesos:8443/, https://m2.mesos:8443",
                "MPP_MARATHON_APPS", " /prometheus , monitoring/prom2,",
                "MPP_INSECURE_CERTS", "true",
                "MPP_MARATHON_PRINCIPAL_SECRET", secret,
                "MPP_MARATHON_AUTH_ENDPOINT", "https://other.mesos/acs/api/v1/auth/login"));
        assertThat(factory.isEnabled()).isTrue();
        assertThat(factory.isInsecureCerts()).isTrue();
        assertThat(MarathonLocatorFactory.masters(factory.getUrls()))
                .containsExactly(URI.create("https://m1.mesos:8443"), URI.create("https://m2.mesos:8443"));
        assertThat(MarathonLocatorFactory.appIds(factory.getApps()))
                .containsExactly("/prometheus", "/monitoring/prom2");
        // The JSON went through YAML untouched: the key still reads.
        PrincipalSecret parsed = factory.secret().orElseThrow();
        assertThat(parsed.uid()).isEqualTo("mpp-sa");
        assertThat(parsed.privateKey().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(parsed.loginEndpoint()).hasToString("https://other.mesos/acs/api/v1/auth/login");
    }

    @Test
    void aPrettyPrintedSecretInAVariableStillReads() throws Exception {
        String pretty = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                TestKeys.secret("pretty", TestKeys.pkcs1(keys), LOGIN)).toPrettyString();
        assertThat(pretty).contains("\n  \"uid\"");
        MarathonLocatorFactory factory = marathon(Map.of("MPP_MARATHON_URL", "http://m:8080",
                "DCOS_SERVICE_ACCOUNT_CREDENTIAL", pretty.replace("\n", "\r\n")));
        PrincipalSecret parsed = factory.secret().orElseThrow();
        assertThat(parsed.uid()).isEqualTo("pretty");
        assertThat(parsed.privateKey().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void theSecretMayComeFromAFileOrFromDcos() throws Exception {
        Path file = Files.writeString(dir.resolve("secret.json"),
                TestKeys.secret("from-file", TestKeys.pkcs8(keys), LOGIN) + "\n");
        String dcos = TestKeys.secret("from-dcos", TestKeys.pkcs1(keys), LOGIN);
        assertThat(marathon(Map.of("MPP_MARATHON_URL", "http://m:8080", "MPP_MARATHON_PRINCIPAL_SECRET_FILE",
                file.toString(), "DCOS_SERVICE_ACCOUNT_CREDENTIAL", dcos)).secret().orElseThrow().uid())
                .isEqualTo("from-file");
        assertThat(marathon(Map.of("DCOS_SERVICE_ACCOUNT_CREDENTIAL", dcos)).secret().orElseThrow().uid())
                .isEqualTo("from-dcos");
        assertThatThrownBy(() -> marathon(Map.of("MPP_MARATHON_PRINCIPAL_SECRET_FILE", "/nonexistent/s.json")).secret())
                .hasMessageContaining("MPP_MARATHON_PRINCIPAL_SECRET_FILE: cannot read /nonexistent/s.json");
        // Opened for reading, a FIFO blocks until a writer comes: a hang here fails the test, not the build.
        Path fifo = dir.resolve("secret-fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> marathon(Map.of(
                "MPP_MARATHON_PRINCIPAL_SECRET_FILE", fifo.toString())).secret()).hasMessage(
                "MPP_MARATHON_PRINCIPAL_SECRET_FILE: cannot read " + fifo + " (not a regular file)"));
        assertThatThrownBy(() -> marathon(Map.of("DCOS_SERVICE_ACCOUNT_CREDENTIAL", "{\"uid\":\"x\"}")).secret())
                .hasMessageStartingWith("DCOS_SERVICE_ACCOUNT_CREDENTIAL: neither field 'private_key'");
    }

    @Test
    void appsAreRequiredWithAUrlAndCheckedAtStart() throws Exception {
        MarathonLocatorFactory factory = marathon(Map.of("MPP_MARATHON_URL", "http://marathon.mesos:8080"));
        assertThat(factory.isEnabled()).isTrue();
        assertThatThrownBy(() -> factory.build(null, () -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MPP_MARATHON_APPS (apps) is required with MPP_MARATHON_URL");
        assertThatThrownBy(() -> MarathonLocatorFactory.appIds("/prom, /a b"))
                .hasMessageContaining("MPP_MARATHON_APPS (apps): '/a b' is not a Marathon app ID");
        assertThatThrownBy(() -> MarathonLocatorFactory.appIds("/prom?x=1"))
                .hasMessageContaining("'/prom?x=1' is not a Marathon app ID");
        assertThatThrownBy(() -> MarathonLocatorFactory.masters("marathon.mesos:8080"))
                .hasMessageContaining("MPP_MARATHON_URL (urls): 'marathon.mesos:8080' is not a Marathon base URL");
        assertThatThrownBy(() -> MarathonLocatorFactory.masters(" , "))
                .hasMessageContaining("MPP_MARATHON_URL (urls) lists no URL");
        for (String withPassword : List.of("http://ops:pa55@m:8080", "http://ops:pa/55@m:8080", "http://o:p@55@m",
                "http://ops:pa,55@m:8080")) {
            assertThatThrownBy(() -> MarathonLocatorFactory.masters("http://m2:8080," + withPassword))
                    .hasMessageContaining("MPP_MARATHON_URL (urls): 'http://***@m")
                    .hasMessageContaining("carries credentials")
                    .hasMessageNotContaining("55").hasMessageNotContaining("ops");
        }
        assertThatThrownBy(() -> marathon(Map.of("MPP_MARATHON_URL", "http://m:8080", "MPP_MARATHON_APPS", "/p",
                "MPP_MARATHON_PORT", "web port")).build(null, () -> { }))
                .hasMessageContaining("MPP_MARATHON_PORT");
    }

    @Test
    void aTimeoutUnderOneMillisecondIsRefusedNotTakenForNone() throws Exception {
        // Jetty takes whole milliseconds: 500us would become 0, which Jetty reads as no timeout at all.
        for (String variable : List.of("MPP_MARATHON_CONNECT_TIMEOUT", "MPP_MARATHON_TIMEOUT")) {
            assertThatThrownBy(() -> marathon(Map.of("MPP_MARATHON_URL", "http://m:8080", "MPP_MARATHON_APPS", "/p",
                    variable, "500us")).build(null, () -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(variable)
                    .hasMessageContaining("must be at least 1ms, got 500us");
        }
    }
}
