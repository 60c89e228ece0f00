package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.mpp.discovery.Endpoint;
import io.mpp.discovery.kubernetes.ApiObjects.Container;
import io.mpp.discovery.kubernetes.ApiObjects.ContainerPort;
import io.mpp.discovery.kubernetes.ApiObjects.Pod;
import io.mpp.discovery.kubernetes.ApiObjects.ServicePort;
import io.mpp.util.PeerText;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import okhttp3.Call;

/**
 * Pod mode: the pods matching a label selector, which goes to the API server as it is (the server parses it, so
 * what it rejects is reported and never widened to all pods). A pod serves when it is Running and Ready, has an IP
 * and is not being deleted.
 */
final class Pods implements ObjectKind {

    private final String namespace;
    private final String selector;
    private final PortSpec port;
    private final String scheme;
    private final String locator;

    Pods(String namespace, String selector, PortSpec port, String scheme, String locator) {
        this.namespace = namespace;
        this.selector = selector;
        this.port = port;
        this.scheme = scheme;
        this.locator = locator;
    }

    @Override
    public String resource() {
        return "pods";
    }

    @Override
    public String group() {
        return "";
    }

    @Override
    public String describe() {
        return "pods matching '" + selector + "' (MPP_KUBE_POD_LABEL_SELECTOR) in namespace '" + namespace + "'";
    }

    @Override
    public Call call(ApiClient client, String resourceVersion, Integer watchSeconds) throws ApiException {
        var request = new CoreV1Api(client).listNamespacedPod(namespace).labelSelector(selector);
        if (watchSeconds != null) {
            request.watch(true).allowWatchBookmarks(true).resourceVersion(resourceVersion).timeoutSeconds(watchSeconds);
        }
        return request.buildCall(null);
    }

    @Override
    public Found read(JsonNode object) {
        Pod pod;
        try {
            pod = ApiServer.MAPPER.treeToValue(object, Pod.class);
        } catch (Exception e) {
            return Found.problem("pod " + object.path("metadata").path("name").asText("?") + ": unreadable: "
                    + PeerText.oneLine(String.valueOf(e.getMessage()), 300));
        }
        if (!serves(pod)) {
            return Found.of(List.of(), List.of());
        }
        String name = pod.metadata().name();
        List<ServicePort> declared = declaredPorts(pod);
        // A container need not declare a port to listen on it, so a number is used as given.
        OptionalInt chosen = port.number() != 0 ? OptionalInt.of(port.number()) : port.pick(declared);
        if (chosen.isEmpty()) {
            return Found.problem("pod " + name + ": skipped: " + port.missing() + " among its container ports ("
                    + PortSpec.list(declared) + "); set MPP_KUBE_PORT to a container port's name or number");
        }
        try {
            return Found.of(List.of(Endpoint.of(scheme, pod.status().podIP(), chosen.getAsInt(), locator)), List.of());
        } catch (IllegalArgumentException e) {
            return Found.problem("pod " + name + ": skipped: " + e.getMessage());
        }
    }

    /** Running, Ready, with an IP, and not terminating (the endpoints controller drops terminating pods too). */
    static boolean serves(Pod pod) {
        if (pod.metadata() == null || pod.metadata().deletionTimestamp() != null || pod.status() == null) {
            return false;
        }
        var status = pod.status();
        boolean ready = status.conditions() != null && status.conditions().stream()
                .anyMatch(c -> "Ready".equals(c.type()) && "True".equals(c.status()));
        return "Running".equals(status.phase()) && ready && status.podIP() != null && !status.podIP().isEmpty();
    }

    private static List<ServicePort> declaredPorts(Pod pod) {
        List<ServicePort> ports = new ArrayList<>();
        if (pod.spec() == null || pod.spec().containers() == null) {
            return ports;
        }
        for (Container container : pod.spec().containers()) {
            for (ContainerPort p : Objects.requireNonNullElse(container.ports(), List.<ContainerPort>of())) {
                ports.add(new ServicePort(p.name(), p.containerPort(), p.protocol()));
            }
        }
        return ports;
    }
}
