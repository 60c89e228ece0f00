package io.mpp.discovery.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpp.cli.ValueChecks;
import org.junit.jupiter.api.Test;

/**
 * MPP_KUBE_PORT: a service's port names are DNS labels (up to 63 characters), a container's are IANA service names
 * (up to 15). The setting is read before the mode is known, so the shorter rule applies only once it is.
 */
class PortSpecTest {

    static final String LONGEST = "a" + "-b".repeat(30) + "-c"; // 63 characters

    @Test
    void serviceModeTakesPortNamesOfUpTo63Characters() {
        assertThat(PortSpec.parse("prometheus-web-ui")).isEqualTo(new PortSpec("prometheus-web-ui", 0));
        assertThat(LONGEST).hasSize(63);
        assertThat(PortSpec.parse(LONGEST).name()).isEqualTo(LONGEST);
        assertThat(PortSpec.parse("web--ui").name()).isEqualTo("web--ui"); // a DNS label may have "--"
        assertThat(PortSpec.parse(" 9090 ")).isEqualTo(new PortSpec(null, 9090));
        assertThat(PortSpec.parse("")).isEqualTo(PortSpec.FIRST_TCP);
    }

    @Test
    void podModeTakesOnlyContainerPortNames() {
        assertThat(PortSpec.parse("web").forContainers()).isEqualTo(new PortSpec("web", 0));
        assertThat(PortSpec.parse("prometheus-http").forContainers().name()).isEqualTo("prometheus-http"); // 15
        assertThat(PortSpec.parse("9090").forContainers()).isEqualTo(new PortSpec(null, 9090));
        assertThat(PortSpec.FIRST_TCP.forContainers()).isEqualTo(PortSpec.FIRST_TCP);
        for (String notAContainerPortName : new String[] {"prometheus-web-ui", "web--ui", "1-2"}) {
            assertThatThrownBy(() -> PortSpec.parse(notAContainerPortName).forContainers())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("port '" + notAContainerPortName + "' cannot name a container port")
                    .hasMessageContaining("at most 15")
                    .hasMessageContaining("service mode takes port names of up to 63");
        }
    }

    @Test
    void anInvalidNameIsRefusedSayingWhatIsAccepted() {
        for (String invalid : new String[] {LONGEST + "d", "Web", "web_ui", "-web", "web-", "web.ui"}) {
            assertThatThrownBy(() -> PortSpec.parse(invalid))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("port '" + invalid + "' is neither a port number nor a Kubernetes port name (at most"
                            + " 63 lowercase letters, digits and dashes, starting and ending with a letter or digit;"
                            + " in pod mode a container's port name, at most 15)");
        }
        assertThatThrownBy(() -> PortSpec.parse("65536")).hasMessageContaining("between 1 and 65535");
    }

    /** The --kube-port flag's check must not refuse what the locator takes. */
    @Test
    void theFlagCheckTakesServicePortNamesToo() {
        assertThat(ValueChecks.KUBE_PORT.check("prometheus-web-ui")).isEqualTo("prometheus-web-ui");
        assertThat(ValueChecks.KUBE_PORT.check(LONGEST)).isEqualTo(LONGEST);
        assertThatThrownBy(() -> ValueChecks.KUBE_PORT.check(LONGEST + "d"))
                .hasMessageContaining("up to 63")
                .hasMessageContaining("a container port name in pod mode: up to 15");
    }
}
