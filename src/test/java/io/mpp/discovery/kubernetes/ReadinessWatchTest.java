package io.mpp.discovery.kubernetes;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mpp.testing.FakeKubeApi.containerPort;
import static io.mpp.testing.FakeKubeApi.endpointsObject;
import static io.mpp.testing.FakeKubeApi.event;
import static io.mpp.testing.FakeKubeApi.events;
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

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.mpp.discovery.Endpoint;
import io.mpp.testing.Await;
import io.mpp.testing.FakeKubeApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch between selections: it asks for a reselection when, and only when, the ready backends change. */
class ReadinessWatchTest {

    static final String NS = "monitoring";
    static final String SELECTOR = "app=prometheus";
    static final String WEB = containerPort("web", 9090, "TCP");

    @TempDir
    Path dir;
    FakeKubeApi api;
    ReadinessWatch watch;
    final AtomicInteger reselections = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        api = FakeKubeApi.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (watch != null) {
            watch.stop();
        }
        api.close();
    }

    KubernetesLocator watchPods() {
        KubernetesLocatorFactory f = new KubernetesLocatorFactory();
        f.setKubeconfig(api.kubeconfig().toString());
        f.setNamespace(NS);
        f.setPodLabelSelector(SELECTOR);
        KubernetesLocatorFactory.Parts parts = f.parts(reselections::incrementAndGet);
        watch = parts.watch();
        watch.start();
        return parts.locator();
    }

    RequestPatternBuilder watchRequests() {
        return getRequestedFor(urlPathEqualTo(FakeKubeApi.PODS.formatted(NS))).withQueryParam("watch", equalTo("true"));
    }

    int watchCount() {
        return api.wiremock().findAll(watchRequests()).size();
    }

    static List<String> urls(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::url).toList();
    }

    @Test
    void aPodThatStopsBeingReadyAsksForReselectionOnce() throws Exception {
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "100",
                pod("prom-a", "90", "Running", true, "10.0.0.1", false, WEB),
                pod("prom-b", "91", "Running", true, "10.0.0.2", false, WEB))));
        api.watchPods(NS, SELECTOR, events());
        KubernetesLocator locator = watchPods();
        Await.until(Duration.ofSeconds(10), "the first list to be noticed", () -> reselections.get() == 1);
        // The watch resumes from the list's resource version, bounded by the server side timeout.
        Await.until(Duration.ofSeconds(10), "a watch from the list's version", () -> !api.wiremock().findAll(
                watchRequests().withQueryParam("resourceVersion", equalTo("100"))
                        .withQueryParam("timeoutSeconds", equalTo("60"))
                        .withQueryParam("allowWatchBookmarks", equalTo("true"))).isEmpty());

        // A label change of a, then b loses readiness: one reselection. The server repeats the events at every
        // watch; once repeated, they must not ask again.
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "102",
                pod("prom-a", "101", "Running", true, "10.0.0.1", false, WEB),
                pod("prom-b", "102", "Running", false, "10.0.0.2", false, WEB))));
        api.watchPods(NS, SELECTOR, events(
                event("MODIFIED", pod("prom-a", "101", "Running", true, "10.0.0.1", false, WEB)),
                event("MODIFIED", pod("prom-b", "102", "Running", false, "10.0.0.2", false, WEB)),
                event("BOOKMARK",
                        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"103\"}}")));
        Await.until(Duration.ofSeconds(10), "a reselection for the unready pod", () -> reselections.get() == 2);
        int seen = watchCount();
        Await.until(Duration.ofSeconds(10), "the events to be sent twice more", () -> watchCount() >= seen + 2);
        assertThat(reselections.get()).isEqualTo(2);
        assertThat(urls(locator.locate())).containsExactly("http://10.0.0.1:9090");
        // Resumed from the bookmark, not from the start.
        assertThat(api.wiremock().findAll(watchRequests().withQueryParam("resourceVersion", equalTo("103"))))
                .isNotEmpty();
    }

    @Test
    void anExpiredWatchListsAgainAndNoticesWhatChangedMeanwhile() {
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "100",
                pod("prom-a", "90", "Running", true, "10.0.0.1", false, WEB))));
        api.watchPods(NS, SELECTOR, events());
        watchPods();
        Await.until(Duration.ofSeconds(10), "the first list to be noticed", () -> reselections.get() == 1);

        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "500",
                pod("prom-a", "90", "Running", true, "10.0.0.1", false, WEB),
                pod("prom-c", "499", "Running", true, "10.0.0.3", false, WEB))));
        api.watchPods(NS, SELECTOR, events(event("ERROR",
                status(410, "Expired", "too old resource version: 100 (480)"))));
        Await.until(Duration.ofSeconds(10), "a reselection after the new list", () -> reselections.get() == 2);
        Await.until(Duration.ofSeconds(10), "a watch from the new list's version", () -> !api.wiremock().findAll(
                watchRequests().withQueryParam("resourceVersion", equalTo("500"))).isEmpty());
    }

    @Test
    void aFailingWatchIsRetriedAndCatchesUp() {
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "100",
                pod("prom-a", "90", "Running", true, "10.0.0.1", false, WEB))));
        api.watchPods(NS, SELECTOR, json(403, status(403, "Forbidden", "pods is forbidden: cannot watch")));
        watchPods();
        Await.until(Duration.ofSeconds(10), "two refused watches", () -> watchCount() >= 2);
        assertThat(reselections.get()).isEqualTo(1);

        // Meanwhile a pod went away; once watching is allowed, the fresh list notices it.
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "200")));
        api.watchPods(NS, SELECTOR, events());
        Await.until(Duration.ofSeconds(40), "a reselection once the watch works", () -> reselections.get() == 2);
    }

    @Test
    void sliceChangesAndDeletionsAreNoticed() throws Exception {
        api.slices(NS, "prom", ok(list("EndpointSliceList", "discovery.k8s.io/v1", "10",
                slice("prom-a", "prom", "8", List.of(port("web", 9090, "TCP")), sliceEndpoint("10.0.0.1", true)),
                slice("prom-b", "prom", "9", List.of(port("web", 9091, "TCP")), sliceEndpoint("10.0.0.2", true)))));
        api.watchSlices(NS, "prom", events());
        KubernetesLocatorFactory f = new KubernetesLocatorFactory();
        f.setKubeconfig(api.kubeconfig().toString());
        f.setNamespace(NS);
        f.setServiceName("prom");
        KubernetesLocatorFactory.Parts parts = f.parts(reselections::incrementAndGet);
        watch = parts.watch();
        watch.start();
        Await.until(Duration.ofSeconds(10), "the first list to be noticed", () -> reselections.get() == 1);

        api.watchSlices(NS, "prom", events(event("DELETED",
                slice("prom-b", "prom", "11", List.of(port("web", 9091, "TCP")), sliceEndpoint("10.0.0.2", true)))));
        Await.until(Duration.ofSeconds(10), "a reselection for the deleted slice", () -> reselections.get() == 2);
        api.watchSlices(NS, "prom", events(event("MODIFIED",
                slice("prom-a", "prom", "12", List.of(port("web", 9090, "TCP")), sliceEndpoint("10.0.0.1", false)))));
        Await.until(Duration.ofSeconds(10), "a reselection for the unready endpoint", () -> reselections.get() == 3);
    }

    @Test
    void withoutSlicesTheEndpointsObjectIsWatched() throws Exception {
        api.notServed(FakeKubeApi.SLICES.formatted(NS));
        api.endpoints(NS, "prom", ok(list("EndpointsList", "v1", "40", endpointsObject("prom", "39",
                subset(List.of("10.0.0.1", "10.0.0.2"), List.of(), List.of(port("web", 9090, "TCP")))))));
        api.watchEndpoints(NS, "prom", events());
        KubernetesLocatorFactory f = new KubernetesLocatorFactory();
        f.setKubeconfig(api.kubeconfig().toString());
        f.setNamespace(NS);
        f.setServiceName("prom");
        KubernetesLocatorFactory.Parts parts = f.parts(reselections::incrementAndGet);
        watch = parts.watch();
        watch.start();
        Await.until(Duration.ofSeconds(10), "the first list to be noticed", () -> reselections.get() == 1);

        api.watchEndpoints(NS, "prom", events(event("MODIFIED", endpointsObject("prom", "41",
                subset(List.of("10.0.0.1"), List.of("10.0.0.2"), List.of(port("web", 9090, "TCP")))))));
        Await.until(Duration.ofSeconds(10), "a reselection for the unready address", () -> reselections.get() == 2);
        assertThat(api.wiremock().findAll(getRequestedFor(urlPathEqualTo(FakeKubeApi.ENDPOINTS.formatted(NS)))
                .withQueryParam("watch", equalTo("true")).withQueryParam("resourceVersion", equalTo("40"))))
                .isNotEmpty();
    }

    @Test
    void stopEndsAWatchThatIsWaitingForEvents() throws Exception {
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "100")));
        // Half an event now, the rest in a minute: the watch blocks reading.
        api.watchPods(NS, SELECTOR, events(event("BOOKMARK",
                "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"101\"}}"))
                .withChunkedDribbleDelay(2, 60_000));
        watchPods();
        Await.until(Duration.ofSeconds(10), "a watch to be open", () -> watchCount() >= 1);
        long started = System.nanoTime();
        watch.stop();
        assertThat(watch.alive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        watch = null;
    }
}
