package io.mpp.discovery.kubernetes;

import static io.mpp.testing.FakeKubeApi.containerPort;
import static io.mpp.testing.FakeKubeApi.event;
import static io.mpp.testing.FakeKubeApi.events;
import static io.mpp.testing.FakeKubeApi.json;
import static io.mpp.testing.FakeKubeApi.list;
import static io.mpp.testing.FakeKubeApi.ok;
import static io.mpp.testing.FakeKubeApi.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.ApiClient;
import io.mpp.testing.FakeKubeApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers of the API server are read up to a size, not only for a time: lists, error bodies and watch events, here
 * with limits of 1 KiB (mpp's are 64 MiB, 64 KiB and 16 MiB).
 */
class AnswerLimitsTest {

    static final String NS = "monitoring";
    static final String SELECTOR = "app=prometheus";
    static final AnswerLimits KIB = new AnswerLimits(1024, 1024, 1024);

    @TempDir
    Path dir;
    FakeKubeApi api;
    ApiServer server;
    Pods pods = new Pods(NS, SELECTOR, PortSpec.FIRST_TCP, "http", "kubernetes:pods");

    @BeforeEach
    void start() throws Exception {
        api = FakeKubeApi.start(dir);
        Duration timeout = Duration.ofSeconds(2);
        KubeClients clients = new KubeClients(api.kubeconfig().toString(), Map.of(), timeout);
        ApiClient client = clients.build(timeout, timeout, timeout);
        server = new ApiServer(client, client, NS, timeout, clients.credentials(), KIB);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** A pod list of about 1.7 KiB. */
    static String podList() {
        return list("PodList", "v1", "1",
                pod("prom-0", "1", "Running", true, "10.8.0.1", false, containerPort("web", 9090, "TCP")));
    }

    @Test
    void aListOverItsLimitFailsNamingIt() {
        assertThat(podList().length()).isGreaterThan(1024);
        api.pods(NS, SELECTOR, ok(podList()));
        assertThatThrownBy(() -> server.list(pods)).isInstanceOf(ApiCallException.class).hasMessage("the Kubernetes"
                + " API server at " + api.url() + " answered the list of pods matching '" + SELECTOR + "'"
                + " (MPP_KUBE_POD_LABEL_SELECTOR) in namespace '" + NS + "' with more than 1 KiB, more than mpp reads");
    }

    @Test
    void aListWithinItsLimitIsRead() throws Exception {
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "9")));
        assertThat(server.list(pods).resourceVersion()).isEqualTo("9");
    }

    @Test
    void onlyTheStartOfAnErrorAnswerIsRead() {
        // 200 KiB sent over 20 s: read whole, it would outlast the 2 s timeout and the message would say nothing.
        api.pods(NS, SELECTOR, json(500, "x".repeat(200 * 1024)).withChunkedDribbleDelay(100, 20_000));
        assertThatThrownBy(() -> server.list(pods)).isInstanceOf(ApiCallException.class)
                .hasMessageContaining(" answered 500 to the list of pods")
                .hasMessageEndingWith("; it said: " + "x".repeat(300) + "...");
    }

    @Test
    void aWatchEventOverItsLimitFailsNamingIt() throws Exception {
        String small = event("BOOKMARK", "{\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"5\"}}");
        String large = event("ADDED", pod("prom-1", "6", "Running", true, "10.8.0.2", false));
        assertThat(large.length()).isGreaterThan(1024);
        api.watchPods(NS, SELECTOR, events(small, large));
        try (ApiServer.Events watch = server.watch(pods, "1", 5)) {
            assertThat(watch.next().type()).isEqualTo("BOOKMARK");
            assertThatThrownBy(watch::next).isInstanceOf(ApiCallException.class).hasMessage("the watch of pods"
                    + " matching '" + SELECTOR + "' (MPP_KUBE_POD_LABEL_SELECTOR) in namespace '" + NS + "' sent an"
                    + " event of more than 1 KiB, more than mpp reads");
        }
    }

    @Test
    void aWatchReadsEveryEventWithinItsLimitToTheEnd() throws Exception {
        api.watchPods(NS, SELECTOR, events(event("BOOKMARK", "{\"kind\":\"Pod\",\"metadata\":{}}"), "",
                event("DELETED", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"prom-0\"}}")));
        try (ApiServer.Events watch = server.watch(pods, "1", 5)) {
            assertThat(watch.next().type()).isEqualTo("BOOKMARK");
            assertThat(watch.next().type()).as("after a blank line").isEqualTo("DELETED");
            assertThat(watch.next()).isNull();
        }
    }

    @Test
    void sizesAreNamedInTheirUnit() {
        assertThat(AnswerLimits.size(64L << 20)).isEqualTo("64 MiB");
        assertThat(AnswerLimits.size(64 << 10)).isEqualTo("64 KiB");
        assertThat(AnswerLimits.size(1000)).isEqualTo("1000 bytes");
    }
}
