package io.mpp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import io.mpp.testing.PrometheusProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real Prometheus replicas behind a real mpp under steady load: the replica that serves dies (kill -9) or hangs
 * (kill -STOP), and no client request fails. Assertions are on counts, never on speed.
 */
class FailoverEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final int CLIENTS = 4;
    private static final int BEFORE = 200;
    private static final int AFTER = 300;

    @TempDir
    Path dir;
    private PrometheusProcess a;
    private PrometheusProcess b;
    private MppServer mpp;

    @BeforeEach
    void start() throws Exception {
        a = PrometheusProcess.start(Files.createDirectories(dir.resolve("a")));
        b = PrometheusProcess.start(Files.createDirectories(dir.resolve("b")));
        a.awaitSamples();
        b.awaitSamples();
        Path endpoints = dir.resolve("endpoints");
        Files.writeString(endpoints, a.url() + "\n" + b.url() + "\n");
        mpp = MppServer.start(
                ConfigOverride.config("locators[0].path", endpoints.toString()),
                ConfigOverride.config("selection.routingStrategy", "single-most-data"),
                ConfigOverride.config("selection.interval", "2s"),
                ConfigOverride.config("selection.probeTimeout", "1s"),
                ConfigOverride.config("proxy.headersTimeout", "1s"));
        Await.until(Duration.ofSeconds(30), "mpp to serve", () -> servedBy() != null);
    }

    @AfterEach
    void stop() {
        if (mpp != null) {
            mpp.close();
        }
        for (PrometheusProcess p : new PrometheusProcess[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
    }

    private String servedBy() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/query?query=up"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.headers().firstValue("MPP.ServedBy").orElse(null) : null;
    }

    @Test
    void killingTheServingReplicaFailsNoRequest() throws Exception {
        String serving = servedBy();
        PrometheusProcess victim = serving.equals(a.url()) ? a : b;
        PrometheusProcess survivor = victim == a ? b : a;
        try (SteadyLoad load = new SteadyLoad(mpp.url() + "/api/v1/query?query=up", CLIENTS)) {
            Await.until(Duration.ofSeconds(60), BEFORE + " requests before the kill", () -> load.completed() >= BEFORE);
            victim.kill();
            load.mark();
            Await.until(Duration.ofSeconds(60), AFTER + " requests after the kill",
                    () -> load.completedSinceMark() >= AFTER);
            load.close();
            assertThat(load.failures()).as("failed client requests").isEmpty();
            assertThat(load.servedSinceMark()).as("who served after the kill").containsOnlyKeys(survivor.url());
        }
    }

    @Test
    void aHungServingReplicaFailsNoRequest() throws Exception {
        String serving = servedBy();
        PrometheusProcess victim = serving.equals(a.url()) ? a : b;
        PrometheusProcess survivor = victim == a ? b : a;
        try (SteadyLoad load = new SteadyLoad(mpp.url() + "/api/v1/query?query=up", CLIENTS)) {
            Await.until(Duration.ofSeconds(60), BEFORE + " requests before the hang", () -> load.completed() >= BEFORE);
            victim.pause();
            load.mark();
            Await.until(Duration.ofSeconds(60), AFTER + " requests after the hang",
                    () -> load.completedSinceMark() >= AFTER);
            load.close();
            assertThat(load.failures()).as("failed client requests").isEmpty();
            assertThat(load.servedSinceMark()).as("who served after the hang").containsOnlyKeys(survivor.url());
        } finally {
            victim.resume();
        }
    }
}
