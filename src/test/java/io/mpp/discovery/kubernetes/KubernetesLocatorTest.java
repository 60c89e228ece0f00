package io.mpp.discovery.kubernetes;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mpp.testing.FakeKubeApi.containerPort;
import static io.mpp.testing.FakeKubeApi.endpointsObject;
import static io.mpp.testing.FakeKubeApi.json;
import static io.mpp.testing.FakeKubeApi.list;
import static io.mpp.testing.FakeKubeApi.ok;
import static io.mpp.testing.FakeKubeApi.pod;
import static io.mpp.testing.FakeKubeApi.port;
import static io.mpp.testing.FakeKubeApi.slice;
import static io.mpp.testing.FakeKubeApi.sliceEndpoint;
import static io.mpp.testing.FakeKubeApi.status;
import static io.mpp.testing.FakeKubeApi.subset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.health.HealthCheck;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.DiscoveryException;
import io.mpp.discovery.Endpoint;
import io.mpp.discovery.LocatorHealthCheck;
import io.mpp.testing.FakeKubeApi;
import io.mpp.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Kubernetes locator against WireMock playing the API server: what it reads, and how it reports failures. */
class KubernetesLocatorTest {

    static final String NS = "monitoring";

    @TempDir
    Path dir;
    FakeKubeApi api;

    @BeforeEach
    void start() throws Exception {
        api = FakeKubeApi.start(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    KubernetesLocatorFactory factory() {
        KubernetesLocatorFactory f = new KubernetesLocatorFactory();
        f.setKubeconfig(api.kubeconfig().toString());
        f.setNamespace(NS);
        f.setWatch(false);
        return f;
    }

    KubernetesLocator service(String name, String port) {
        KubernetesLocatorFactory f = factory();
        f.setServiceName(name);
        f.setPort(port);
        return f.parts(() -> { }).locator();
    }

    KubernetesLocator pods(String selector, String port) {
        KubernetesLocatorFactory f = factory();
        f.setPodLabelSelector(selector);
        f.setPort(port);
        return f.parts(() -> { }).locator();
    }

    static List<String> urls(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::url).toList();
    }

    /** Two slices (the controller splits a service by port set), ready, not ready and unknown conditions. */
    void twoSlices() {
        api.slices(NS, "prom", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "5001",
                slice("prom-a1b2c", "prom", "4990",
                        List.of(port("metrics", 8080, "TCP"), port("web", 9090, "TCP")),
                        sliceEndpoint("10.1.0.5", true), sliceEndpoint("10.1.0.6", false),
                        sliceEndpoint("10.1.0.7", null)),
                slice("prom-x9y8z", "prom", "4995",
                        List.of(port("web", 9091, "TCP"), port("dns", 53, "UDP")),
                        sliceEndpoint("10.1.1.5", true), sliceEndpoint("10.1.1.6", false)))));
    }

    @Test
    void serviceModeReadsEverySliceAndOnlyReadyEndpointsWithThePortByName() throws Exception {
        twoSlices();
        assertThat(urls(service("prom", "web").locate())).containsExactly(
                "http://10.1.0.5:9090", "http://10.1.0.7:9090", "http://10.1.1.5:9091");
    }

    @Test
    void serviceModePortByNumberSkipsSlicesWithoutItAndNamesTheirPorts() throws Exception {
        twoSlices();
        assertThat(urls(service("prom", "8080").locate())).containsExactly("http://10.1.0.5:8080",
                "http://10.1.0.7:8080");
        assertThat(service("prom", "8080").locate()).allSatisfy(e ->
                assertThat(e.locator()).isEqualTo("kubernetes:service/monitoring/prom"));
    }

    @Test
    void aDualStackServiceYieldsEachPodOnceAtItsIpv4Address() throws Exception {
        // The IPv6 slice sorts first by name; pod c is ready only in it, pod d only in the IPv4 slice.
        api.slices(NS, "prom", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "9",
                slice("IPv6", "prom-6aaaa", "prom", "8", List.of(port("web", 9090, "TCP")),
                        sliceEndpoint("fd00:10:1::5", true, "prom-a"), sliceEndpoint("fd00:10:1::6", true, "prom-b"),
                        sliceEndpoint("fd00:10:1::7", true, "prom-c"), sliceEndpoint("fd00:10:1::8", false, "prom-d")),
                slice("IPv4", "prom-zzzz4", "prom", "8", List.of(port("web", 9090, "TCP")),
                        sliceEndpoint("10.1.0.5", true, "prom-a"), sliceEndpoint("10.1.0.6", true, "prom-b"),
                        sliceEndpoint("10.1.0.7", false, "prom-c"), sliceEndpoint("10.1.0.8", true, "prom-d")))));
        assertThat(urls(service("prom", "web").locate())).containsExactly(
                "http://10.1.0.5:9090", "http://10.1.0.6:9090", "http://[fd00:10:1::7]:9090", "http://10.1.0.8:9090");
    }

    /** Slices whose ports are web=9091/TCP and dns=53/UDP: MPP_KUBE_PORT=9090 fits neither. */
    void slicesWithoutPort9090() {
        api.slices(NS, "prom", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "5",
                slice("prom-a", "prom", "4", List.of(port("web", 9091, "TCP")), sliceEndpoint("10.1.0.5", true)),
                slice("prom-b", "prom", "4", List.of(port("dns", 53, "UDP")), sliceEndpoint("10.1.0.6", true)))));
    }

    @Test
    void everyAddressSkippedIsAProblemThatFailsTheHealthCheck() throws Exception {
        slicesWithoutPort9090();
        KubernetesLocator locator = service("prom", "9090");
        CompositeLocator composite = new CompositeLocator(List.of(locator), Clock.systemUTC());
        assertThat(composite.locate()).isEmpty();
        assertThat(locator.problem()).isEqualTo("2 problems, first: EndpointSlice prom-a: skipped 1 ready"
                + " address(es): no port 9090 among its ports (web=9091/TCP); set MPP_KUBE_PORT to a service port's"
                + " name or a target port's number, and no endpoint found");
        assertThat(locator.warning()).isNull();

        HealthCheck.Result health = new LocatorHealthCheck(composite, locator.name()).execute();
        assertThat(health.isHealthy()).isFalse();
        assertThat(health.getMessage()).isEqualTo(locator.problem());
        assertThat(composite.states().get(0).errors()).isEqualTo(1); // mpp_locator_errors_total
    }

    @Test
    void addressesSkippedBesideWorkingOnesAreAWarningThatKeepsItHealthy() throws Exception {
        slicesWithoutPort9090();
        KubernetesLocator locator = service("prom", ""); // the first TCP port: prom-a has one, prom-b none
        CompositeLocator composite = new CompositeLocator(List.of(locator), Clock.systemUTC());
        assertThat(urls(composite.locate())).containsExactly("http://10.1.0.5:9091");
        String skipped = "EndpointSlice prom-b: skipped 1 ready address(es): no TCP port among its ports"
                + " (dns=53/UDP); set MPP_KUBE_PORT to a service port's name or a target port's number";
        assertThat(locator.warning()).isEqualTo(skipped);
        assertThat(locator.problem()).isNull();

        HealthCheck.Result health = new LocatorHealthCheck(composite, locator.name()).execute();
        assertThat(health.isHealthy()).isTrue();
        assertThat(health.getMessage()).startsWith("found 1 endpoint(s) at ").endsWith("; " + skipped);
        assertThat(composite.states().get(0).warning()).isEqualTo(skipped); // what /mpp/status shows
        assertThat(composite.states().get(0).errors()).isZero();

        // Once the slice has the port, nothing is skipped any more.
        api.slices(NS, "prom", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "6",
                slice("prom-a", "prom", "4", List.of(port("web", 9091, "TCP")), sliceEndpoint("10.1.0.5", true)))));
        composite.locate();
        assertThat(locator.warning()).isNull();
        assertThat(composite.states().get(0).warning()).isNull();
    }

    @Test
    void serviceModeTakesAPortNameLongerThanAContainersPortName() throws Exception {
        // Service and EndpointSlice port names are DNS labels (up to 63), not container port names (up to 15).
        api.slices(NS, "prom", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "7",
                slice("prom-q", "prom", "6", List.of(port("grpc", 10901, "TCP"), port("prometheus-web-ui", 9090,
                        "TCP")), sliceEndpoint("10.2.0.1", true)))));
        assertThat(urls(service("prom", "prometheus-web-ui").locate())).containsExactly("http://10.2.0.1:9090");
    }

    @Test
    void podModeRefusesAtStartAPortNameNoContainerCanHave() {
        assertThatThrownBy(() -> pods("app=prometheus", "prometheus-web-ui"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("port 'prometheus-web-ui' cannot name a container port")
                .hasMessageContaining("at most 15")
                .hasMessageEndingWith("(MPP_KUBE_PORT)");
        api.wiremock().verify(0, WireMock.anyRequestedFor(WireMock.anyUrl()));
    }

    @Test
    void serviceModeWithoutPortTakesTheFirstTcpPort() throws Exception {
        api.slices(NS, "prom", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "7",
                slice("prom-q", "prom", "6", List.of(port("dns", 53, "UDP"), port(null, 9090, null)),
                        sliceEndpoint("10.2.0.1", true)))));
        assertThat(urls(service("prom", "").locate())).containsExactly("http://10.2.0.1:9090");
    }

    @Test
    void fallsBackToEndpointsWhereSlicesAreNotServedAndStaysThere() throws Exception {
        api.notServed(FakeKubeApi.SLICES.formatted(NS));
        api.endpoints(NS, "prom", ok(list("EndpointsList", "v1", "300",
                endpointsObject("prom", "299",
                        subset(List.of("10.3.0.1", "10.3.0.2"), List.of("10.3.0.3"),
                                List.of(port("web", 9090, "TCP"))),
                        subset(List.of("10.3.1.1"), List.of(), List.of(port("grpc", 10901, "TCP"),
                                port("web", 9095, "TCP"))),
                        subset(List.of(), List.of("10.3.2.1"), List.of(port("web", 9090, "TCP")))))));
        KubernetesLocator locator = service("prom", "web");
        assertThat(urls(locator.locate())).containsExactly("http://10.3.0.1:9090", "http://10.3.0.2:9090",
                "http://10.3.1.1:9095");
        assertThat(urls(locator.locate())).hasSize(3);
        api.wiremock().verify(1, getRequestedFor(urlPathEqualTo(FakeKubeApi.SLICES.formatted(NS))));
    }

    @Test
    void theFirstOfSeveralTcpPortsOfAnEndpointsSubsetIsAWarning() throws Exception {
        // The endpoints controller sorts a subset's ports by a hash: the first one listed is any of them.
        api.notServed(FakeKubeApi.SLICES.formatted(NS));
        api.endpoints(NS, "prom", ok(list("EndpointsList", "v1", "300", endpointsObject("prom", "299",
                subset(List.of("10.3.1.1"), List.of(), List.of(port("grpc", 10901, "TCP"), port("web", 9090, "TCP"))),
                subset(List.of("10.3.2.1"), List.of(), List.of(port("dns", 53, "UDP"), port("web", 9090, "TCP")))))));
        KubernetesLocator locator = service("prom", "");
        assertThat(urls(locator.locate())).containsExactly("http://10.3.1.1:10901", "http://10.3.2.1:9090");
        assertThat(locator.warning()).isEqualTo("Endpoints prom subset 1: took port 10901, the first of its 2 TCP"
                + " ports (grpc=10901/TCP, web=9090/TCP), but v1 Endpoints list ports in no set order; set"
                + " MPP_KUBE_PORT to a service port's name or a target port's number");
        assertThat(locator.problem()).isNull();

        KubernetesLocator named = service("prom", "web");
        assertThat(urls(named.locate())).containsExactly("http://10.3.1.1:9090", "http://10.3.2.1:9090");
        assertThat(named.warning()).isNull();
    }

    @Test
    void aServiceThatDoesNotExistIsNamed() {
        api.slices(NS, "prometheus", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "10")));
        api.service(NS, "prometheus", json(404, status(404, "NotFound", "services \"prometheus\" not found")));
        assertThatThrownBy(() -> service("prometheus", "").locate())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("service 'prometheus' not found in namespace 'monitoring'")
                .hasMessageContaining("MPP_KUBE_SERVICE_NAME");
    }

    @Test
    void aServiceWithoutEndpointsYieldsNoBackends() throws Exception {
        api.slices(NS, "prom", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "10")));
        api.service(NS, "prom", ok("{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"prom\"}}"));
        assertThat(service("prom", "").locate()).isEmpty();
    }

    @Test
    void forbiddenSaysWhichPermissionIsMissing() {
        api.slices(NS, "prom", json(403, status(403, "Forbidden", "endpointslices.discovery.k8s.io is forbidden:"
                + " User \"system:serviceaccount:monitoring:mpp\" cannot list resource \"endpointslices\" in API"
                + " group \"discovery.k8s.io\" in the namespace \"monitoring\"")));
        assertThatThrownBy(() -> service("prom", "").locate())
                .hasMessageContaining("verb 'list' on resource 'endpointslices' in API group 'discovery.k8s.io'"
                        + " in namespace 'monitoring'")
                .hasMessageContaining("cannot list resource");
    }

    @Test
    void forbiddenServiceCheckNamesGetServices() {
        api.slices(NS, "prom", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "10")));
        api.service(NS, "prom", json(403, status(403, "Forbidden", "services \"prom\" is forbidden")));
        assertThatThrownBy(() -> service("prom", "").locate())
                .hasMessageContaining("verb 'get' on resource 'services' in namespace 'monitoring'");
    }

    @Test
    void podModeKeepsOnlyRunningReadyPodsWithAnIp() throws Exception {
        String web = containerPort("web", 9090, "TCP");
        api.pods(NS, "app=prometheus", ok(list("PodList", "v1", "900",
                pod("prom-pending", "1", "Pending", false, null, false, web),
                pod("prom-starting", "2", "Running", false, "10.4.0.2", false, web),
                pod("prom-ready", "3", "Running", true, "10.4.0.3", false, web),
                pod("prom-done", "4", "Succeeded", false, "10.4.0.4", false, web),
                pod("prom-crashed", "5", "Failed", false, "10.4.0.5", false, web),
                pod("prom-lost", "6", "Unknown", true, "10.4.0.6", false, web),
                pod("prom-stopping", "7", "Running", true, "10.4.0.7", true, web),
                pod("prom-ready-2", "8", "Running", true, "10.4.0.8", false,
                        containerPort("dns", 53, "UDP"), containerPort("web", 9090, "TCP")))));
        assertThat(urls(pods("app=prometheus", "").locate())).containsExactly("http://10.4.0.3:9090",
                "http://10.4.0.8:9090");
    }

    @Test
    void podModePortByNameAndByNumber() throws Exception {
        api.pods(NS, "app=prometheus", ok(list("PodList", "v1", "900",
                pod("prom-0", "3", "Running", true, "10.4.0.3", false, containerPort("metrics", 8080, "TCP"),
                        containerPort("web", 9090, "TCP")),
                pod("prom-1", "4", "Running", true, "10.4.0.4", false, containerPort("metrics", 8080, "TCP")))));
        assertThat(urls(pods("app=prometheus", "web").locate())).containsExactly("http://10.4.0.3:9090");
        // A container need not declare a port to listen on it.
        assertThat(urls(pods("app=prometheus", "9100").locate())).containsExactly("http://10.4.0.3:9100",
                "http://10.4.0.4:9100");
    }

    @Test
    void theSelectorGoesToTheApiServerAsItIs() throws Exception {
        String selector = "app in (prometheus, thanos),tier!=canary,!legacy";
        api.pods(NS, selector, ok(list("PodList", "v1", "1",
                pod("p", "1", "Running", true, "10.5.0.1", false, containerPort("web", 9090, "TCP")))));
        assertThat(urls(pods(selector, "").locate())).containsExactly("http://10.5.0.1:9090");
    }

    @Test
    void aSelectorTheApiServerRejectsIsReportedWithItsMessageAndNeverWidened() {
        String selector = "app=prometheus,,";
        api.pods(NS, selector, json(400, status(400, "BadRequest",
                "unable to parse requirement: found ',', expected: identifier")));
        // Were the selector dropped, this answer would be taken: all pods of the namespace.
        api.wiremock().stubFor(WireMock.get(urlPathEqualTo(FakeKubeApi.PODS.formatted(NS)))
                .withQueryParam("labelSelector", WireMock.absent()).atPriority(1)
                .willReturn(ok(list("PodList", "v1", "1",
                        pod("other", "1", "Running", true, "10.9.9.9", false, containerPort("web", 9090, "TCP"))))));
        assertThatThrownBy(() -> pods(selector, "").locate())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("answered 400")
                .hasMessageContaining("pods matching 'app=prometheus,,' (MPP_KUBE_POD_LABEL_SELECTOR)")
                .hasMessageContaining("unable to parse requirement: found ',', expected: identifier");
    }

    @Test
    void unknownFieldsFromANewerApiServerAreIgnored() throws Exception {
        String future = pod("prom-0", "3", "Running", true, "10.6.0.1", false, containerPort("web", 9090, "TCP"))
                .replace("\"phase\":", "\"resize\":{\"inProgress\":true},\"phase\":")
                .replace("\"uid\":", "\"someFutureField\":42,\"uid\":");
        api.pods(NS, "app=prometheus", ok(list("PodList", "v1", "1", future)));
        assertThat(urls(pods("app=prometheus", "").locate())).containsExactly("http://10.6.0.1:9090");
    }

    @Test
    void aWrongTokenIsReportedWithoutTheToken() throws Exception {
        Files.writeString(api.kubeconfig(), Files.readString(api.kubeconfig())
                .replace(FakeKubeApi.TOKEN, "wrong-token-123"));
        assertThatThrownBy(() -> pods("app=prometheus", "").locate())
                .hasMessageContaining("did not accept mpp's credentials (401)")
                .hasMessageNotContaining("wrong-token-123");
    }

    @Test
    void anUnreachableApiServerIsReported() throws Exception {
        int closed = FreePorts.next();
        Files.writeString(api.kubeconfig(), Files.readString(api.kubeconfig())
                .replace("127.0.0.1:" + api.wiremock().port(), "127.0.0.1:" + closed));
        assertThatThrownBy(() -> pods("app=prometheus", "").locate())
                .hasMessageContaining("cannot reach the Kubernetes API server at http://127.0.0.1:" + closed);
    }

    @Test
    void credentialsInTheServerUrlAreNeverShown() throws Exception {
        String server = "http://127.0.0.1:" + api.wiremock().port();
        Files.writeString(api.kubeconfig(), Files.readString(api.kubeconfig())
                .replace(server, "http://admin:s3cretpw@127.0.0.1:" + api.wiremock().port()));
        api.pods(NS, "app=prometheus", json(500, status(500, "InternalError", "etcd is down")));
        assertThatThrownBy(() -> pods("app=prometheus", "").locate())
                .hasMessageStartingWith("the Kubernetes API server at http://***@127.0.0.1:" + api.wiremock().port()
                        + " answered 500")
                .hasMessageNotContaining("s3cretpw");
    }

    @Test
    void whatTheServerSaysStaysOnOneLine() {
        // A line break of the server's would start a log line of its own.
        api.pods(NS, "app=prometheus", json(500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
                + "\"Failure\",\"message\":\"etcd is down\\n06:00:00.000 [main] INFO io.mpp -- all is well\","
                + "\"code\":500}"));
        assertThatThrownBy(() -> pods("app=prometheus", "").locate())
                .hasMessageEndingWith("; it said: etcd is down 06:00:00.000 [main] INFO io.mpp -- all is well")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aSlowApiServerIsCutOffByTheTimeout() {
        api.pods(NS, "app=prometheus", ok(list("PodList", "v1", "1")).withFixedDelay(5_000));
        KubernetesLocatorFactory f = factory();
        f.setPodLabelSelector("app=prometheus");
        f.setTimeout(java.time.Duration.ofMillis(300));
        KubernetesLocator locator = f.parts(() -> { }).locator();
        assertThatThrownBy(locator::locate).hasMessageContaining("no answer from the Kubernetes API server at "
                + api.url() + " within 300ms");
    }

    @Test
    void theLastKnownBackendsStayInUseWhenTheApiFails() throws Exception {
        api.pods(NS, "app=prometheus", ok(list("PodList", "v1", "1",
                pod("prom-0", "1", "Running", true, "10.7.0.1", false, containerPort("web", 9090, "TCP")))));
        CompositeLocator composite = new CompositeLocator(List.of(pods("app=prometheus", "")), Clock.systemUTC());
        assertThat(urls(composite.locate())).containsExactly("http://10.7.0.1:9090");

        api.pods(NS, "app=prometheus", json(403, status(403, "Forbidden", "pods is forbidden")));
        assertThat(urls(composite.locate())).containsExactly("http://10.7.0.1:9090");
        assertThat(composite.states().get(0).lastError())
                .contains("verb 'list' on resource 'pods' in namespace 'monitoring'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "{}", "{\"kind\":\"PodList\",\"apiVersion\":\"v1\"}",
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\",\"message\":\"ok\"}",
            "{\"kind\":\"Pod\",\"items\":null}"})
    void anAnswerThatIsNotAListKeepsTheLastBackends(String answer) throws Exception {
        api.pods(NS, "app=prometheus", ok(list("PodList", "v1", "1",
                pod("prom-0", "1", "Running", true, "10.7.0.1", false, containerPort("web", 9090, "TCP")))));
        CompositeLocator composite = new CompositeLocator(List.of(pods("app=prometheus", "")), Clock.systemUTC());
        assertThat(urls(composite.locate())).containsExactly("http://10.7.0.1:9090");

        api.pods(NS, "app=prometheus", ok(answer));
        assertThat(urls(composite.locate())).containsExactly("http://10.7.0.1:9090");
        assertThat(composite.states().get(0).lastError()).startsWith("the Kubernetes API server at " + api.url()
                + " answered the list of pods matching 'app=prometheus' (MPP_KUBE_POD_LABEL_SELECTOR) in namespace"
                + " 'monitoring' with something that is not a list (");
    }

    @Test
    void anEmptyListWhoseItemsAreNullIsEmpty() throws Exception {
        // How Kubernetes writes a list with no items; the original read it as empty too.
        api.pods(NS, "app=prometheus", ok("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":"
                + "{\"resourceVersion\":\"7\"},\"items\":null}"));
        assertThat(pods("app=prometheus", "").locate()).isEmpty();
    }

    @Test
    void settingsAreCheckedWhenTheConfigurationIsRead() {
        KubernetesLocatorFactory f = new KubernetesLocatorFactory();
        assertThat(f.isEnabled()).isFalse();
        assertThatThrownBy(() -> f.setPort("Web!")).hasMessageContaining("port 'Web!'")
                .hasMessageContaining("MPP_KUBE_PORT");
        assertThatThrownBy(() -> f.setPort("70000")).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> f.setServiceName("Prom_1")).hasMessageContaining("MPP_KUBE_SERVICE_NAME");
        assertThatThrownBy(() -> f.setNamespace("Monitoring")).hasMessageContaining("MPP_KUBE_NAMESPACE");
        assertThatThrownBy(() -> f.setScheme("ftp")).hasMessageContaining("MPP_KUBE_SCHEME");
        f.setPodLabelSelector("app=prometheus");
        assertThat(f.isEnabled()).isTrue();
    }

    @Test
    void aMissingKubeconfigOrInClusterSettingIsNamed() {
        KubernetesLocatorFactory f = new KubernetesLocatorFactory();
        f.setPodLabelSelector("app=prometheus");
        f.setKubeconfig(dir.resolve("nope").toString());
        assertThatThrownBy(() -> f.parts(() -> { })).hasMessageContaining("MPP_KUBECONFIG " + dir.resolve("nope"))
                .hasMessageContaining("no such file");
        java.time.Duration second = java.time.Duration.ofSeconds(1);
        assertThatThrownBy(() -> new KubeClients("", Map.of(), second).build(second, second, second))
                .hasMessageContaining("KUBERNETES_SERVICE_HOST")
                .hasMessageContaining("set MPP_KUBECONFIG");
    }
}
