package io.mpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.mpp.discovery.FileLocatorFactory;
import io.mpp.discovery.marathon.MarathonLocatorFactory;
import io.mpp.testing.ConfigFiles;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The repository's config.yml: every setting from an MPP_* variable with a default, wrong values named. */
class ConfigurationTest {

    private static HttpConnectorFactory applicationConnector(MppConfiguration config) {
        return (HttpConnectorFactory) ((DefaultServerFactory) config.getServerFactory()).getApplicationConnectors()
                .get(0);
    }

    private static HttpConnectorFactory adminConnector(MppConfiguration config) {
        return (HttpConnectorFactory) ((DefaultServerFactory) config.getServerFactory()).getAdminConnectors().get(0);
    }

    private static FileLocatorFactory fileLocator(MppConfiguration config) {
        return (FileLocatorFactory) config.getLocators().get(0);
    }

    private static MarathonLocatorFactory marathonLocator(MppConfiguration config) {
        return (MarathonLocatorFactory) config.getLocators().get(2);
    }

    @Test
    void defaultsWithNoVariableSet() throws Exception {
        MppConfiguration config = ConfigFiles.load(Map.of());
        assertThat(applicationConnector(config).getPort()).isEqualTo(9090);
        assertThat(adminConnector(config).getPort()).isEqualTo(8081);
        assertThat(((DefaultServerFactory) config.getServerFactory()).getJerseyRootPath()).contains("/mpp/*");
        assertThat(fileLocator(config).isEnabled()).isFalse();
        assertThat(config.getSelection().getInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.getSelection().getProbeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.getProxy().getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.getProxy().getResponseTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.isVerbose()).isFalse();
    }

    @Test
    void everySettingComesFromItsVariable() throws Exception {
        MppConfiguration config = ConfigFiles.load(Map.of(
                "MPP_PORT", "19090",
                "MPP_ADMIN_PORT", "19091",
                "MPP_ENDPOINTS_FILE", " /etc/mpp/endpoints ",
                "MPP_ROUTING_STRATEGY", "random",
                "MPP_SELECTION_INTERVAL", "1m30s",
                "MPP_PROBE_TIMEOUT", "750ms",
                "MPP_CONNECT_TIMEOUT", "1s",
                "MPP_RESPONSE_TIMEOUT", "5m",
                "MPP_VERBOSE", "true"));
        assertThat(applicationConnector(config).getPort()).isEqualTo(19090);
        assertThat(adminConnector(config).getPort()).isEqualTo(19091);
        assertThat(fileLocator(config).isEnabled()).isTrue();
        assertThat(fileLocator(config).getPath()).isEqualTo("/etc/mpp/endpoints");
        assertThat(config.getSelection().strategy().describe()).isEqualTo("random");
        assertThat(config.getSelection().getInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.getSelection().getProbeTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.getProxy().getConnectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.getProxy().getResponseTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.isVerbose()).isTrue();
    }

    @Test
    void aBadDurationNamesTheSettingAndWhatIsAccepted() {
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_SELECTION_INTERVAL", "10x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("selection.interval")
                .hasMessageContaining("'10x' is not a duration such as 500ms, 10s, 1m30s");
    }

    @Test
    void aTooShortIntervalIsRefused() {
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_SELECTION_INTERVAL", "1ms")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("selection.interval")
                .hasMessageContaining("at least 100ms");
    }

    @Test
    void aProxyTimeoutOfZeroIsRefusedNotTakenForNoneOrAtOnce() throws Exception {
        Map<String, String> settings = Map.of("MPP_CONNECT_TIMEOUT", "proxy.connectTimeout",
                "MPP_RESPONSE_TIMEOUT", "proxy.responseTimeout", "MPP_IDLE_TIMEOUT", "proxy.idleTimeout",
                "MPP_HEADERS_TIMEOUT", "proxy.headersTimeout");
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            assertThatThrownBy(() -> ConfigFiles.load(Map.of(setting.getKey(), "0s")))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(setting.getValue())
                    .hasMessageContaining("must be at least 10ms, got 0s");
            assertThat(ConfigFiles.load(Map.of(setting.getKey(), "10ms"))).isNotNull();
        }
    }

    @Test
    void anUnknownStrategyNamesTheSettingAndTheAcceptedOnes() {
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_ROUTING_STRATEGY", "fastest")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("selection.routingStrategy")
                .hasMessageContaining("unknown routing strategy 'fastest'; accepted: ")
                .hasMessageContaining("random");
    }

    @Test
    void aPortThatIsNotANumberOrOutOfRangeIsNamed() {
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_PORT", "http")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("server.applicationConnectors.[0].port");
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_ADMIN_PORT", "70000")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("server.adminConnectors[0].port");
    }

    @Test
    void theBindHostIsStrippedAndMustBeAnAddressOrAHostName() throws Exception {
        MppConfiguration config = ConfigFiles.load(Map.of("MPP_BIND_HOST", "127.0.0.1 "));
        assertThat(applicationConnector(config).getBindHost()).isEqualTo("127.0.0.1");
        assertThat(adminConnector(config).getBindHost()).isEqualTo("127.0.0.1");
        assertThat(applicationConnector(ConfigFiles.load(Map.of("MPP_BIND_HOST", " ::1"))).getBindHost())
                .isEqualTo("::1");
        assertThat(applicationConnector(ConfigFiles.load(Map.of())).getBindHost()).as("every interface")
                .isNullOrEmpty();
        for (String wrong : new String[] {"999.1.1.1", "127.0.0.1:9090", "a b"}) {
            assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_BIND_HOST", wrong))).as(wrong)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("server.applicationConnectors.[0].bindHost; '" + wrong + "' is neither an"
                            + " IP address nor a host name; MPP_BIND_HOST takes");
        }
    }

    @Test
    void anEmptyNumberOrSwitchIsAnErrorNamingTheSettingNotZeroOrFalse() {
        Map<String, String> settings = Map.of(
                "MPP_PORT", "server.applicationConnectors.[0].port; is of type: String, expected: int",
                "MPP_ADMIN_PORT", "server.adminConnectors.[0].port; is of type: String, expected: int",
                "MPP_MAX_RETRIES", "proxy.maxRetries; is of type: String, expected: int",
                "MPP_VERBOSE", "verbose; '' is not a boolean");
        settings.forEach((variable, message) -> assertThatThrownBy(() -> ConfigFiles.load(Map.of(variable, "")))
                .as(variable).isInstanceOf(ConfigurationException.class).hasMessageContaining(message));
    }

    @Test
    void aVerboseFlagThatIsNotABooleanIsNamed() {
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_VERBOSE", "loud")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("verbose")
                .hasMessageContaining("'loud' is not a boolean (true, false, 1, 0, t, f)");
    }

    @Test
    void aSwitchTakesTheSpellingsTheOriginalsFlagsTake() throws Exception {
        for (String on : new String[] {"1", "t", "T", "true", "TRUE", "True", " true "}) {
            assertThat(ConfigFiles.load(Map.of("MPP_VERBOSE", on)).isVerbose()).as(on).isTrue();
            assertThat(marathonLocator(ConfigFiles.load(Map.of("MPP_INSECURE_CERTS", on))).isInsecureCerts()).as(on)
                    .isTrue();
        }
        for (String off : new String[] {"0", "f", "F", "false", "FALSE", "False"}) {
            assertThat(ConfigFiles.load(Map.of("MPP_VERBOSE", off)).isVerbose()).as(off).isFalse();
        }
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_INSECURE_CERTS", "yes")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("insecureCerts");
    }

    @Test
    void aValueIsTakenAsOneStringWhateverYamlWouldMakeOfIt() throws Exception {
        String path = "!tag /srv/eps #1: {a: [b]} ${MPP_PORT} \"quoted\" \\ end";
        MppConfiguration config = ConfigFiles.load(Map.of("MPP_ENDPOINTS_FILE", path, "MPP_PORT", "1"));
        assertThat(fileLocator(config).getPath()).isEqualTo(path);
    }
}
