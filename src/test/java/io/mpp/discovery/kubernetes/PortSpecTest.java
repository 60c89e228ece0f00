package io.mpp.discovery.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpp.cli.ValueChecks;
import io.mpp.discovery.kubernetes.ApiObjects.ServicePort;
import io.mpp.testing.FakeKubeApi;
import java.util.List;
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

    /** A slice or pod without the port is skipped with a message that reads as a sentence, for each kind of spec. */
    @Test
    void aMissingPortIsNamedInPlainWords() throws Exception {
        List<ServicePort> ports = List.of(new ServicePort("web", 9091, "TCP"), new ServicePort("dns", 53, "UDP"));
        List<ServicePort> udpOnly = List.of(new ServicePort("dns", 53, "UDP"));
        List<ServiceBackends.Ready> ready = List.of(new ServiceBackends.Ready("10.1.0.6", null));
        // Service mode: names are the service's ports', numbers the target ports' (what a slice lists); the message
        // says so, since a service's own port number (80 in front of a 9090) is the likely mistake.
        String service = "; set MPP_KUBE_PORT to a service port's name or a target port's number";
        assertThat(new ServiceBackends(PortSpec.FIRST_TCP, "http", "k").read("EndpointSlice prom-b", ready, udpOnly,
                true)
                .problems()).containsExactly("EndpointSlice prom-b: skipped 1 ready address(es): no TCP port among"
                + " its ports (dns=53/UDP)" + service);
        assertThat(new ServiceBackends(PortSpec.parse("9090"), "http", "k").read("EndpointSlice prom-a", ready, ports,
                true)
                .problems()).containsExactly("EndpointSlice prom-a: skipped 1 ready address(es): no port 9090 among"
                + " its ports (web=9091/TCP, dns=53/UDP)" + service);
        assertThat(new ServiceBackends(PortSpec.parse("metrics"), "http", "k").read("Endpoints prom subset 1", ready,
                ports, false).problems()).containsExactly("Endpoints prom subset 1: skipped 1 ready address(es): no port"
                + " 'metrics' among its ports (web=9091/TCP, dns=53/UDP)" + service);

        var pod = ApiServer.MAPPER.readTree(FakeKubeApi.pod("prom-0", "1", "Running", true, "10.4.0.3", false,
                FakeKubeApi.containerPort("dns", 53, "UDP")));
        String pods = "; set MPP_KUBE_PORT to a container port's name or number";
        assertThat(new Pods("ns", "app=p", PortSpec.FIRST_TCP, "http", "k").read(pod).problems()).containsExactly(
                "pod prom-0: skipped: no TCP port among its container ports (dns=53/UDP)" + pods);
        assertThat(new Pods("ns", "app=p", PortSpec.parse("web"), "http", "k").read(pod).problems()).containsExactly(
                "pod prom-0: skipped: no port 'web' among its container ports (dns=53/UDP)" + pods);
    }
}
