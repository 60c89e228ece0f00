package io.mpp.discovery.kubernetes;

import io.mpp.discovery.kubernetes.ApiObjects.ServicePort;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which port of a service or pod leads to Prometheus ({@code MPP_KUBE_PORT}): a port name, a port number, or,
 * when empty, the first TCP port.
 *
 * @param name   the port's name, or null
 * @param number the port's number, or 0
 */
record PortSpec(String name, int number) {

    /**
     * A port name of a Service, EndpointSlice or Endpoints (DNS_LABEL): at most 63 lowercase letters, digits and
     * dashes, a letter or digit at each end. The setting is read before the mode is known, so this is what it takes.
     */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /** A container's port name (IANA_SVC_NAME): at most 15 of them, with a letter and no dash next to another. */
    private static final Pattern CONTAINER_PORT_NAME =
            Pattern.compile("(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?");

    static final PortSpec FIRST_TCP = new PortSpec(null, 0);

    /** @throws IllegalArgumentException naming the text and what is accepted */
    static PortSpec parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            return FIRST_TCP;
        }
        if (s.chars().allMatch(Character::isDigit)) {
            int number = s.length() > 5 ? 0 : Integer.parseInt(s);
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("port '" + s + "' is not a port number between 1 and 65535");
            }
            return new PortSpec(null, number);
        }
        if (!NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("port '" + s + "' is neither a port number nor a Kubernetes port"
                    + " name (at most 63 lowercase letters, digits and dashes, starting and ending with a letter or"
                    + " digit; in pod mode a container's port name, at most 15)");
        }
        return new PortSpec(s, 0);
    }

    /**
     * This spec for pod mode, where a name must be a container's port name: a longer one could never match, so
     * mpp refuses it at start rather than skipping every pod.
     *
     * @throws IllegalArgumentException naming the text and what is accepted
     */
    PortSpec forContainers() {
        if (name != null && !CONTAINER_PORT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("port '" + name + "' cannot name a container port, as pod mode"
                    + " needs: at most 15 lowercase letters, digits and dashes, with a letter, no two dashes together"
                    + " and a letter or digit at each end (service mode takes port names of up to 63)");
        }
        return this;
    }

    /** Picks among the ports a service or container declares; empty when none fits. */
    OptionalInt pick(List<ServicePort> declared) {
        for (ServicePort port : declared) {
            if (port.port() == null || !isTcp(port.protocol())) {
                continue;
            }
            boolean fits = name != null ? name.equals(port.name()) : number == 0 || number == port.port();
            if (fits) {
                return OptionalInt.of(port.port());
            }
        }
        return OptionalInt.empty();
    }

    /** For messages, when no declared port fits: {@code no port 'web'}, {@code no port 9090}, {@code no TCP port}. */
    String missing() {
        return name != null ? "no port '" + name + "'" : number != 0 ? "no port " + number : "no TCP port";
    }

    /** For messages: {@code web=9090/TCP, 9091/UDP}. */
    static String list(List<ServicePort> declared) {
        if (declared.isEmpty()) {
            return "none";
        }
        return declared.stream()
                .map(p -> (p.name() == null || p.name().isEmpty() ? "" : p.name() + "=") + p.port() + "/"
                        + (p.protocol() == null ? "TCP" : p.protocol()))
                .collect(Collectors.joining(", "));
    }

    /** Whether this is the empty spec, "the first TCP port". */
    boolean isFirstTcp() {
        return name == null && number == 0;
    }

    static boolean isTcp(String protocol) {
        return protocol == null || protocol.equals("TCP"); // the API's default protocol is TCP
    }
}
