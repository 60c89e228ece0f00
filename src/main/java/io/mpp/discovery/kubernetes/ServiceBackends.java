package io.mpp.discovery.kubernetes;

import io.mpp.discovery.Endpoint;
import io.mpp.discovery.kubernetes.ApiObjects.ServicePort;
import io.mpp.discovery.kubernetes.ObjectKind.Found;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The backends of a group of a service's ready addresses that share a list of ports: an EndpointSlice, or a subset
 * of an Endpoints object.
 */
final class ServiceBackends {

    private final PortSpec port;
    private final String scheme;
    private final String locator;

    ServiceBackends(PortSpec port, String scheme, String locator) {
        this.port = port;
        this.scheme = scheme;
        this.locator = locator;
    }

    /** A ready address, and the replica (pod uid) it belongs to when the object says; else null. */
    record Ready(String address, String replica) {
    }

    /**
     * @param what    for messages, e.g. {@code EndpointSlice prometheus-x7k2p}
     * @param ready   the ready addresses of the group
     * @param ports   the ports of the group (may be null)
     * @param ordered whether the ports are in the service's order: a slice's are, but the endpoints controller
     *                sorts a v1 Endpoints subset's by a hash, so there "the first TCP port" is any of them
     */
    Found read(String what, List<Ready> ready, List<ServicePort> ports, boolean ordered) {
        if (ready.isEmpty()) {
            return Found.of(List.of(), List.of());
        }
        List<ServicePort> declared = Objects.requireNonNullElse(ports, List.of());
        OptionalInt chosen = port.pick(declared);
        if (chosen.isEmpty()) {
            // A slice or subset lists the service's port names with the target ports' numbers, so a service's own
            // port number (80 in front of a 9090) is never among them: the message says which kind each one is.
            return Found.problem(what + ": skipped " + ready.size() + " ready address(es): " + port.missing()
                    + " among its ports (" + PortSpec.list(declared) + "); set MPP_KUBE_PORT to a service port's name"
                    + " or a target port's number");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> replicas = new HashMap<>();
        for (Ready address : ready) {
            try {
                Endpoint endpoint = Endpoint.of(scheme, address.address(), chosen.getAsInt(), locator);
                endpoints.add(endpoint);
                if (address.replica() != null) {
                    replicas.put(endpoint.url(), address.replica());
                }
            } catch (IllegalArgumentException e) {
                problems.add(what + ": skipped address: " + e.getMessage());
            }
        }
        long tcpPorts = declared.stream().filter(p -> p.port() != null && PortSpec.isTcp(p.protocol())).count();
        if (!ordered && port.isFirstTcp() && tcpPorts > 1 && !endpoints.isEmpty()) {
            problems.add(what + ": took port " + chosen.getAsInt() + ", the first of its " + tcpPorts + " TCP ports ("
                    + PortSpec.list(declared) + "), but v1 Endpoints list ports in no set order; set MPP_KUBE_PORT to a"
                    + " service port's name or a target port's number");
        }
        return new Found(endpoints, problems, replicas);
    }

    /** The results of several groups of one object, as one. */
    static Found merge(List<Found> parts) {
        List<Endpoint> endpoints = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> replicas = new HashMap<>();
        for (Found part : parts) {
            endpoints.addAll(part.endpoints());
            problems.addAll(part.problems());
            replicas.putAll(part.replicas());
        }
        return new Found(endpoints, problems, replicas);
    }
}
