package io.mpp.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * WireMock playing a Kubernetes API server on a loopback port, reached through a kubeconfig file with token
 * authentication; answers without the token get the API server's 401. JSON builders make objects shaped like the
 * real API's (trimmed of fields mpp never reads, but with the ones that are always there).
 */
public final class FakeKubeApi implements AutoCloseable {

    public static final String TOKEN = "kube-test-token-7c1e";
    public static final String SLICES = "/apis/discovery.k8s.io/v1/namespaces/%s/endpointslices";
    public static final String ENDPOINTS = "/api/v1/namespaces/%s/endpoints";
    public static final String PODS = "/api/v1/namespaces/%s/pods";
    public static final String SERVICE = "/api/v1/namespaces/%s/services/%s";

    private final WireMockServer server;
    private final Path kubeconfig;

    private FakeKubeApi(WireMockServer server, Path kubeconfig) {
        this.server = server;
        this.kubeconfig = kubeconfig;
    }

    /** A kubeconfig of this server in the directory of its own kubeconfig, whose user is these lines. */
    public Path kubeconfigWithUser(String fileName, String user) throws IOException {
        Path file = kubeconfig.resolveSibling(fileName);
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: %s
                users:
                - name: mpp
                  user:
                %s
                contexts:
                - name: fake
                  context:
                    cluster: fake
                    user: mpp
                current-context: fake
                """.formatted(url(), user.indent(4).stripTrailing()));
        return file;
    }

    /** A kubeconfig of this server whose user is an auth-provider with these lines of config. */
    public Path authProviderKubeconfig(String name, String config) throws IOException {
        return kubeconfigWithUser("auth-provider-kubeconfig", """
                auth-provider:
                  name: %s
                  config:
                %s
                """.formatted(name, config.indent(4).stripTrailing()));
    }

    /** Starts the server and writes {@code dir/kubeconfig} pointing at it. */
    public static FakeKubeApi start(Path dir) throws IOException {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(FreePorts.next()));
        server.start();
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(json(401,
                status(401, "Unauthorized", "Unauthorized"))));
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: http://127.0.0.1:%d
                users:
                - name: mpp
                  user:
                    token: %s
                contexts:
                - name: fake
                  context:
                    cluster: fake
                    user: mpp
                    namespace: elsewhere
                current-context: fake
                """.formatted(server.port(), TOKEN));
        return new FakeKubeApi(server, kubeconfig);
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public WireMockServer wiremock() {
        return server;
    }

    // ---- stubs: the newest stub for a request wins, so a test changes the cluster by stubbing again ----

    /** The list of pods matching exactly this selector. */
    public void pods(String namespace, String selector, ResponseDefinitionBuilder answer) {
        stub(list(PODS.formatted(namespace)).withQueryParam("labelSelector", equalTo(selector)), answer);
    }

    public void watchPods(String namespace, String selector, ResponseDefinitionBuilder answer) {
        stub(watch(PODS.formatted(namespace)).withQueryParam("labelSelector", equalTo(selector)), answer);
    }

    public void slices(String namespace, String service, ResponseDefinitionBuilder answer) {
        stub(list(SLICES.formatted(namespace)).withQueryParam("labelSelector",
                equalTo("kubernetes.io/service-name=" + service)), answer);
    }

    public void watchSlices(String namespace, String service, ResponseDefinitionBuilder answer) {
        stub(watch(SLICES.formatted(namespace)).withQueryParam("labelSelector",
                equalTo("kubernetes.io/service-name=" + service)), answer);
    }

    public void endpoints(String namespace, String service, ResponseDefinitionBuilder answer) {
        stub(list(ENDPOINTS.formatted(namespace)).withQueryParam("fieldSelector",
                equalTo("metadata.name=" + service)), answer);
    }

    public void watchEndpoints(String namespace, String service, ResponseDefinitionBuilder answer) {
        stub(watch(ENDPOINTS.formatted(namespace)).withQueryParam("fieldSelector",
                equalTo("metadata.name=" + service)), answer);
    }

    public void service(String namespace, String service, ResponseDefinitionBuilder answer) {
        stub(get(urlPathEqualTo(SERVICE.formatted(namespace, service))), answer);
    }

    /**
     * The list of pods of a namespace, whatever the selector, for requests whose Authorization header matches the
     * regular expression; the highest priority (lowest number) among the stubs that match wins.
     */
    public void podsFor(String namespace, String authorization, int priority, ResponseDefinitionBuilder answer) {
        server.stubFor(get(urlPathEqualTo(PODS.formatted(namespace))).withHeader("Authorization",
                matching(authorization)).atPriority(priority).willReturn(answer));
    }

    /** The API server's 404 for a path it does not serve (plain text, not a Status). */
    public void notServed(String path) {
        stub(get(urlPathEqualTo(path)), aResponse().withStatus(404).withHeader("Content-Type", "text/plain")
                .withBody("404 page not found\n"));
    }

    private void stub(MappingBuilder request, ResponseDefinitionBuilder answer) {
        server.stubFor(request.withHeader("Authorization", equalTo("Bearer " + TOKEN)).atPriority(5)
                .willReturn(answer));
    }

    private static MappingBuilder list(String path) {
        return get(urlPathEqualTo(path)).withQueryParam("watch", absent());
    }

    private static MappingBuilder watch(String path) {
        return get(urlPathEqualTo(path)).withQueryParam("watch", equalTo("true"));
    }

    // ---- answers ----

    public static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    public static ResponseDefinitionBuilder ok(String body) {
        return json(200, body);
    }

    /** A watch answer: one event per line, then the server ends the watch. */
    public static ResponseDefinitionBuilder events(String... events) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("Transfer-Encoding", "chunked")
                .withBody(Arrays.stream(events).map(e -> e + "\n").collect(Collectors.joining()));
    }

    public static String event(String type, String object) {
        return "{\"type\":\"" + type + "\",\"object\":" + object + "}";
    }

    public static String status(int code, String reason, String message) {
        return """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":%s,\
                "reason":"%s","code":%d}""".formatted(quote(message), reason, code);
    }

    // ---- objects ----

    public static String list(String kind, String apiVersion, String resourceVersion, String... items) {
        return """
                {"kind":"%s","apiVersion":"%s","metadata":{"resourceVersion":"%s"},"items":[%s]}"""
                .formatted(kind, apiVersion, resourceVersion, String.join(",", items));
    }

    /** A port of a slice or an Endpoints subset; protocol null leaves it out (the API's default is TCP). */
    public static String port(String name, int port, String protocol) {
        return "{" + (name == null ? "" : "\"name\":\"" + name + "\",") + "\"port\":" + port
                + (protocol == null ? "" : ",\"protocol\":\"" + protocol + "\"") + "}";
    }

    /** An endpoint of a slice, a pod of its own; ready null leaves the condition out. */
    public static String sliceEndpoint(String ip, Boolean ready) {
        return sliceEndpoint(ip, ready, "prom-" + ip.replace('.', '-').replace(':', '-'), UUID.randomUUID());
    }

    /** An endpoint of a slice for the named pod, whose uid follows from its name: the same pod in every slice. */
    public static String sliceEndpoint(String ip, Boolean ready, String pod) {
        return sliceEndpoint(ip, ready, pod, UUID.nameUUIDFromBytes(pod.getBytes(StandardCharsets.UTF_8)));
    }

    private static String sliceEndpoint(String ip, Boolean ready, String pod, UUID uid) {
        String conditions = ready == null ? "{}" : "{\"ready\":" + ready + ",\"serving\":" + ready
                + ",\"terminating\":false}";
        return """
                {"addresses":["%s"],"conditions":%s,"nodeName":"node-1",\
                "targetRef":{"kind":"Pod","namespace":"monitoring","name":"%s","uid":"%s"}}"""
                .formatted(ip, conditions, pod, uid);
    }

    public static String slice(String name, String service, String resourceVersion, List<String> ports,
                               String... endpoints) {
        return slice("IPv4", name, service, resourceVersion, ports, endpoints);
    }

    /** A slice of one address family: IPv4, IPv6 (a dual-stack service has one of each) or FQDN. */
    public static String slice(String addressType, String name, String service, String resourceVersion,
                               List<String> ports, String... endpoints) {
        return """
                {"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1","metadata":{"name":"%s",\
                "generateName":"%s-","namespace":"monitoring","uid":"%s","resourceVersion":"%s",\
                "generation":3,"creationTimestamp":"2026-11-20T10:00:00Z","labels":{"kubernetes.io/service-name":\
                "%s","endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io"},\
                "ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"%s","uid":"%s","controller":true,\
                "blockOwnerDeletion":true}]},"addressType":"%s","endpoints":[%s],"ports":[%s]}"""
                .formatted(name, service, UUID.randomUUID(), resourceVersion, service, service, UUID.randomUUID(),
                        addressType, String.join(",", endpoints), String.join(",", ports));
    }

    public static String subset(List<String> ready, List<String> notReady, List<String> ports) {
        return "{" + (ready.isEmpty() ? "" : "\"addresses\":[" + addresses(ready) + "],")
                + (notReady.isEmpty() ? "" : "\"notReadyAddresses\":[" + addresses(notReady) + "],")
                + "\"ports\":[" + String.join(",", ports) + "]}";
    }

    private static String addresses(List<String> ips) {
        return ips.stream().map(ip -> """
                {"ip":"%s","nodeName":"node-1","targetRef":{"kind":"Pod","namespace":"monitoring",\
                "name":"prom-%s","uid":"%s"}}""".formatted(ip, ip.replace('.', '-'), UUID.randomUUID()))
                .collect(Collectors.joining(","));
    }

    public static String endpointsObject(String service, String resourceVersion, String... subsets) {
        return """
                {"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"%s","namespace":"monitoring",\
                "uid":"%s","resourceVersion":"%s","creationTimestamp":"2026-11-20T10:00:00Z",\
                "labels":{"app":"%s"}},"subsets":[%s]}"""
                .formatted(service, UUID.randomUUID(), resourceVersion, service, String.join(",", subsets));
    }

    public static String containerPort(String name, int port, String protocol) {
        return "{" + (name == null ? "" : "\"name\":\"" + name + "\",") + "\"containerPort\":" + port
                + ",\"protocol\":\"" + protocol + "\"}";
    }

    /**
     * A pod as the API shows it in a phase. {@code ready} sets the Ready condition (Running pods); ip may be null
     * (a pod not yet scheduled); {@code deleting} adds a deletionTimestamp.
     */
    public static String pod(String name, String resourceVersion, String phase, boolean ready, String ip,
                             boolean deleting, String... containerPorts) {
        String conditions = """
                [{"type":"PodScheduled","status":"True","lastTransitionTime":"2026-11-20T10:00:00Z"},\
                {"type":"Initialized","status":"True","lastTransitionTime":"2026-11-20T10:00:01Z"},\
                {"type":"ContainersReady","status":"%1$s","lastTransitionTime":"2026-11-20T10:00:05Z"},\
                {"type":"Ready","status":"%1$s","lastTransitionTime":"2026-11-20T10:00:05Z"}]"""
                .formatted(ready ? "True" : "False");
        String ips = ip == null ? "" : ",\"podIP\":\"%s\",\"podIPs\":[{\"ip\":\"%s\"}]".formatted(ip, ip);
        return """
                {"kind":"Pod","apiVersion":"v1","metadata":{"name":"%s","generateName":"prom-",\
                "namespace":"monitoring","uid":"%s","resourceVersion":"%s","creationTimestamp":\
                "2026-11-20T10:00:00Z"%s,"labels":{"app":"prometheus","tier":"monitoring"}},\
                "spec":{"containers":[{"name":"prometheus","image":"prom/prometheus:v2.42.0",\
                "args":["--config.file=/etc/prometheus/prometheus.yml"],"ports":[%s],\
                "resources":{},"terminationMessagePath":"/dev/termination-log","imagePullPolicy":"IfNotPresent"}],\
                "restartPolicy":"Always","nodeName":"node-1","serviceAccountName":"default"},\
                "status":{"phase":"%s","conditions":%s,"hostIP":"192.168.1.10"%s,\
                "startTime":"2026-11-20T10:00:00Z","qosClass":"BestEffort"}}"""
                .formatted(name, UUID.randomUUID(), resourceVersion,
                        deleting ? ",\"deletionTimestamp\":\"2026-11-20T11:00:00Z\",\"deletionGracePeriodSeconds\":30"
                                : "",
                        String.join(",", containerPorts), phase, conditions, ips);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        server.stop();
    }
}
