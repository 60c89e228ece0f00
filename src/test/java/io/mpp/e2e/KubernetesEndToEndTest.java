package io.mpp.e2e;

import static io.mpp.testing.FakeKubeApi.containerPort;
import static io.mpp.testing.FakeKubeApi.event;
import static io.mpp.testing.FakeKubeApi.events;
import static io.mpp.testing.FakeKubeApi.list;
import static io.mpp.testing.FakeKubeApi.ok;
import static io.mpp.testing.FakeKubeApi.pod;
import static io.mpp.testing.FakeKubeApi.port;
import static io.mpp.testing.FakeKubeApi.slice;
import static io.mpp.testing.FakeKubeApi.sliceEndpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.FakeKubeApi;
import io.mpp.testing.MppServer;
import io.mpp.testing.PrometheusProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real mpp finding two real Prometheus replicas on loopback through WireMock playing the Kubernetes API server.
 * The selection interval is an hour, so only the watch can make mpp notice a change.
 */
class KubernetesEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static PrometheusProcess a;
    static PrometheusProcess b;
    FakeKubeApi api;
    MppServer mpp;

    @BeforeAll
    static void startPrometheus() throws Exception {
        a = PrometheusProcess.start(Files.createDirectories(dir.resolve("a")));
        b = PrometheusProcess.start(Files.createDirectories(dir.resolve("b")));
    }

    @AfterAll
    static void stopPrometheus() {
        for (PrometheusProcess p : new PrometheusProcess[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @AfterEach
    void stop() {
        if (mpp != null) {
            mpp.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private MppServer startMpp(String setting, String value) throws Exception {
        return MppServer.start(
                ConfigOverride.config("locators[1].kubeconfig", api.kubeconfig().toString()),
                ConfigOverride.config("locators[1].namespace", "monitoring"),
                ConfigOverride.config("locators[1]." + setting, value),
                ConfigOverride.config("selection.routingStrategy", "random"),
                ConfigOverride.config("selection.interval", "1h"));
    }

    private String servedBy() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/query?query=up"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.headers().firstValue("MPP.ServedBy").orElse("none") : "HTTP " + r.statusCode();
    }

    private void awaitBothServe() {
        Set<String> seen = new HashSet<>();
        Await.until(Duration.ofSeconds(20), "both replicas to serve", () -> {
            seen.add(servedBy());
            return seen.containsAll(List.of(a.url(), b.url()));
        });
        assertThat(seen).containsOnly(a.url(), b.url());
    }

    private void awaitOnlyAServes() throws Exception {
        Await.until(Duration.ofSeconds(15), "the unready replica to leave the selection", () -> {
            for (int i = 0; i < 30; i++) {
                if (!a.url().equals(servedBy())) {
                    return false;
                }
            }
            return true;
        });
        for (int i = 0; i < 50; i++) {
            assertThat(servedBy()).isEqualTo(a.url());
        }
    }

    private static String sliceOf(String name, PrometheusProcess p, String version, boolean ready) {
        return slice(name, "prometheus", version, List.of(port("web", p.port(), "TCP")),
                sliceEndpoint("127.0.0.1", ready));
    }

    @Test
    void serviceEndpointsAreProxiedToAndAnUnreadyOneLeavesWithinSeconds() throws Exception {
        api = FakeKubeApi.start(Files.createDirectories(dir.resolve("service")));
        // One slice per replica (their ports differ), and a not-ready endpoint that must never be picked.
        api.slices("monitoring", "prometheus", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "100",
                slice("prometheus-a", "prometheus", "98", List.of(port("web", a.port(), "TCP")),
                        sliceEndpoint("127.0.0.1", true), sliceEndpoint("127.0.0.2", false)),
                sliceOf("prometheus-b", b, "99", true))));
        api.watchSlices("monitoring", "prometheus", events());
        mpp = startMpp("serviceName", "prometheus");
        awaitBothServe();

        api.slices("monitoring", "prometheus", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "101",
                sliceOf("prometheus-a", a, "98", true), sliceOf("prometheus-b", b, "101", false))));
        api.watchSlices("monitoring", "prometheus", events(event("MODIFIED", sliceOf("prometheus-b", b, "101", false))));
        awaitOnlyAServes();
    }

    @Test
    void readyPodsAreProxiedToAndAnUnreadyOneLeavesWithinSeconds() throws Exception {
        api = FakeKubeApi.start(Files.createDirectories(dir.resolve("pods")));
        String selector = "app=prometheus,tier in (monitoring)";
        api.pods("monitoring", selector, ok(list("PodList", "v1", "200",
                pod("prometheus-0", "190", "Running", true, "127.0.0.1", false, containerPort("web", a.port(), "TCP")),
                pod("prometheus-1", "191", "Running", true, "127.0.0.1", false, containerPort("web", b.port(), "TCP")),
                pod("prometheus-2", "192", "Pending", false, null, false, containerPort("web", 9, "TCP")))));
        api.watchPods("monitoring", selector, events());
        mpp = startMpp("podLabelSelector", selector);
        awaitBothServe();

        String unready = pod("prometheus-1", "201", "Running", false, "127.0.0.1", false,
                containerPort("web", b.port(), "TCP"));
        api.pods("monitoring", selector, ok(list("PodList", "v1", "201",
                pod("prometheus-0", "190", "Running", true, "127.0.0.1", false, containerPort("web", a.port(), "TCP")),
                unready)));
        api.watchPods("monitoring", selector, events(event("MODIFIED", unready)));
        awaitOnlyAServes();
    }
}
