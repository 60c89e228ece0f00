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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session affinity through real mpp copies in front of three real Prometheus replicas with the {@code random}
 * strategy, where without affinity consecutive requests land on any replica.
 */
class AffinityEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SHARED_KEY = "shared-key-of-the-mpp-copies-0123456789";
    private static final String OTHER_KEY = "another-key-of-another-mpp-copy-9876543210";

    @TempDir
    static Path dir;
    static final List<PrometheusProcess> replicas = new ArrayList<>();
    final List<MppServer> copies = new ArrayList<>();
    static Path endpoints;

    @BeforeAll
    static void startReplicas() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("a", "b", "c")) {
            PrometheusProcess p = PrometheusProcess.start(Files.createDirectories(dir.resolve(name)));
            replicas.add(p);
            sb.append(p.url()).append('\n');
        }
        endpoints = Files.writeString(dir.resolve("endpoints"), sb.toString());
    }

    @AfterEach
    void stopCopies() {
        // Last started, first stopped: each copy puts back the configuration overrides it found at its start, so
        // any other order leaves one copy's settings behind for the tests that follow.
        for (int i = copies.size() - 1; i >= 0; i--) {
            copies.remove(i).close();
        }
    }

    @AfterAll
    static void stopReplicas() {
        replicas.forEach(PrometheusProcess::close);
    }

    /** An mpp copy; every affinity setting is given, as overrides of one copy would otherwise reach the next. */
    private MppServer copy(String options, String key) throws Exception {
        MppServer mpp = MppServer.start(
                ConfigOverride.config("locators[0].path", endpoints.toString()),
                ConfigOverride.config("selection.routingStrategy", "random"),
                ConfigOverride.config("selection.interval", "500ms"),
                ConfigOverride.config("selection.probeTimeout", "5s"),
                ConfigOverride.config("affinity.options", options),
                ConfigOverride.config("affinity.key", key),
                ConfigOverride.config("affinity.trustedProxies", ""));
        copies.add(mpp);
        // New clients without cookies, from ever other addresses, spread over the replicas once all are selected.
        Set<String> seen = new HashSet<>();
        int[] client = {0};
        Await.until(Duration.ofSeconds(60), "all three replicas to serve through " + mpp.url(), () -> {
            String address = "198.51.100." + (client[0]++ % 250 + 1);
            seen.add(get(mpp, null, address).headers().firstValue("MPP.ServedBy").orElse(""));
            return seen.containsAll(replicas.stream().map(PrometheusProcess::url).toList());
        });
        return mpp;
    }

    private static HttpResponse<String> get(MppServer mpp, String cookie, String forwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mpp.url() + "/api/v1/query?query=up"))
                .timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            request.header("Cookie", "MPP.Route=" + cookie);
        }
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    private static String servedBy(HttpResponse<?> r) {
        return r.headers().firstValue("MPP.ServedBy").orElseThrow();
    }

    /** The route cookie's value an answer sets, or null when it sets none. */
    private static String routeSet(HttpResponse<?> r) {
        List<String> values = r.headers().allValues("Set-Cookie").stream()
                .filter(v -> v.startsWith("MPP.Route=")).toList();
        assertThat(values.size()).as("route cookies in one answer").isLessThanOrEqualTo(1);
        return values.isEmpty() ? null : values.get(0).substring("MPP.Route=".length(), values.get(0).indexOf(';'));
    }

    @Test
    void cookiesKeepAClientOnOneReplicaAndOtherCopiesWithTheKeyHonourThem() throws Exception {
        MppServer first = copy("cookies", SHARED_KEY);
        MppServer second = copy("cookies", SHARED_KEY);
        MppServer stranger = copy("cookies", OTHER_KEY);

        HttpResponse<String> initial = get(first, null, null);
        String cookie = routeSet(initial);
        assertThat(cookie).as("a client without a cookie is pinned").isNotNull();
        String pinned = servedBy(initial);
        assertThat(initial.headers().allValues("Set-Cookie").get(0))
                .contains("; Path=/", "; HttpOnly", "; SameSite=Lax").doesNotContain("Secure");

        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = get(i % 2 == 0 ? first : second, cookie, null);
            assertThat(servedBy(r)).as("request %d", i).isEqualTo(pinned);
            assertThat(routeSet(r)).as("no new cookie while it holds").isNull();
        }

        // A copy with another key cannot check the cookie: it routes afresh and pins with its own key.
        Set<String> servedByStranger = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> r = get(stranger, cookie, null);
            servedByStranger.add(servedBy(r));
            assertThat(routeSet(r)).as("a re-pin on every answer").isNotNull().isNotEqualTo(cookie);
        }
        assertThat(servedByStranger).as("random, not the foreign cookie's replica").hasSizeGreaterThan(1);
    }

    @Test
    void sourceAddressesStickAndEveryCopyAgreesWithoutSharingState() throws Exception {
        MppServer first = copy("sourceip", SHARED_KEY);
        MppServer second = copy("sourceip", OTHER_KEY); // the key plays no part in source-IP affinity

        Map<String, String> replicaOf = new HashMap<>();
        for (int client = 1; client <= 30; client++) {
            String address = "203.0.113." + client;
            // The left-most entry is the client; the proxies after it do not change who it is.
            String chain = address + ", 10.0.0." + client;
            String replica = servedBy(get(first, null, chain));
            replicaOf.put(address, replica);
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = get(i % 2 == 0 ? first : second, null, chain);
                assertThat(servedBy(r)).as("client %s, request %d", address, i).isEqualTo(replica);
                assertThat(routeSet(r)).as("no cookie with sourceip alone").isNull();
            }
        }
        // An IPv6 client in two spellings is one client.
        String v6 = servedBy(get(first, null, "2001:db8::17"));
        for (int i = 0; i < 10; i++) {
            assertThat(servedBy(get(second, null, "[2001:DB8:0:0:0:0:0:17]:51000"))).isEqualTo(v6);
        }
        assertThat(new HashSet<>(replicaOf.values())).as("30 clients spread over the replicas").hasSize(3);
    }
}
