package io.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The variables of config.yml, their defaults and the settings they fill, which the derived flags' help names. */
class ConfigVariablesTest {

    @Test
    void eachVariableNamesTheSettingItFills() {
        ConfigVariables bundled = ConfigVariables.bundled();
        assertThat(Map.of(
                "MPP_PORT", bundled.settingOf("MPP_PORT"),
                "MPP_ADMIN_PORT", bundled.settingOf("MPP_ADMIN_PORT"),
                "MPP_SHUTDOWN_GRACE_PERIOD", bundled.settingOf("MPP_SHUTDOWN_GRACE_PERIOD"),
                "MPP_VERBOSE", bundled.settingOf("MPP_VERBOSE"),
                "MPP_KUBE_SCHEME", bundled.settingOf("MPP_KUBE_SCHEME"),
                "MPP_MARATHON_TIMEOUT", bundled.settingOf("MPP_MARATHON_TIMEOUT"),
                "MPP_MAX_RETRIES", bundled.settingOf("MPP_MAX_RETRIES"),
                "MPP_AFFINITY_KEY", bundled.settingOf("MPP_AFFINITY_KEY"))).isEqualTo(Map.of(
                "MPP_PORT", "server.applicationConnectors[mpp-http].port",
                "MPP_ADMIN_PORT", "server.adminConnectors[http].port",
                "MPP_SHUTDOWN_GRACE_PERIOD", "server.shutdownGracePeriod",
                "MPP_VERBOSE", "verbose",
                "MPP_KUBE_SCHEME", "locators[kubernetes].scheme",
                "MPP_MARATHON_TIMEOUT", "locators[marathon].requestTimeout",
                "MPP_MAX_RETRIES", "proxy.maxRetries",
                "MPP_AFFINITY_KEY", "affinity.key"));
        assertThat(bundled.settings().keySet()).isEqualTo(bundled.defaults().keySet());
    }

    @Test
    void commentsListsAndDeeperMappingsAreFollowed() {
        ConfigVariables vars = ConfigVariables.parse("""
                # ${MPP_IN_A_COMMENT:-x}
                a:
                  # a comment at another indentation
                      # and another
                  b:
                    c: ${MPP_C:-1}
                  - type: first
                    d: ${MPP_D}
                  -   e: ${MPP_E:-}
                f: ${MPP_F:-2} and ${MPP_G:-3}
                """);
        assertThat(vars.settings()).containsExactly(Map.entry("MPP_C", "a.b.c"), Map.entry("MPP_D", "a[first].d"),
                Map.entry("MPP_E", "a[].e"), Map.entry("MPP_F", "f"), Map.entry("MPP_G", "f"));
        assertThat(vars.defaults()).containsExactly(Map.entry("MPP_C", "1"), Map.entry("MPP_D", ""),
                Map.entry("MPP_E", ""), Map.entry("MPP_F", "2"), Map.entry("MPP_G", "3"));
    }
}
