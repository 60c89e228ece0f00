package io.mpp.proxy.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import io.mpp.testing.RecordingBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route cookie is a claim about a backend, never a target: through a real mpp with three discovered backends,
 * cookies that are tampered, name an address mpp never discovered, or name a backend it no longer has are ignored,
 * and nothing reaches an address mpp did not discover. Backends that record requests show where each one went.
 */
class AffinityCookieSafetyTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String KEY = "the-key-this-mpp-signs-its-cookies-with";
    /** The path of client requests, told apart from selection's probes. */
    private static final String QUERY = "/api/v1/query?query=affinity_test";

    @TempDir
    Path dir;
    private final List<RecordingBackend> discovered = new ArrayList<>();
    /** Listens on loopback like the others, but mpp is never told about it. */
    private RecordingBackend outsider;
    private MppServer mpp;
    private Path endpoints;
    private final RouteCookie codec = new RouteCookie(KEY.getBytes(StandardCharsets.UTF_8));

    @BeforeEach
    void start() throws Exception {
        for (int i = 0; i < 3; i++) {
            discovered.add(RecordingBackend.start(""));
        }
        outsider = RecordingBackend.start("");
        endpoints = dir.resolve("endpoints");
        writeEndpoints(discovered);
        mpp = MppServer.start(
                ConfigOverride.config("locators[0].path", endpoints.toString()),
                ConfigOverride.config("selection.routingStrategy", "random"),
                ConfigOverride.config("selection.interval", "300ms"),
                ConfigOverride.config("affinity.options", "cookies"),
                ConfigOverride.config("affinity.key", KEY),
                ConfigOverride.config("affinity.trustedProxies", ""));
        Set<String> seen = new HashSet<>();
        Await.until(Duration.ofSeconds(30), "all three backends to serve", () -> {
            seen.add(servedBy(get(null)));
            return seen.size() == 3;
        });
    }

    @AfterEach
    void stop() {
        if (mpp != null) {
            mpp.close();
        }
        discovered.forEach(RecordingBackend::close);
        if (outsider != null) {
            outsider.close();
        }
    }

    private void writeEndpoints(List<RecordingBackend> backends) throws Exception {
        Path next = dir.resolve("endpoints.next");
        Files.writeString(next, String.join("\n", backends.stream().map(RecordingBackend::url).toList()) + "\n");
        Files.move(next, endpoints, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private HttpResponse<String> get(String cookieHeader, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mpp.url() + QUERY))
                .timeout(Duration.ofSeconds(30));
        if (cookieHeader != null) {
            request.header("Cookie", cookieHeader);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    private static String servedBy(HttpResponse<?> r) {
        return r.headers().firstValue("MPP.ServedBy").orElseThrow();
    }

    private static String setCookie(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(v -> v.startsWith("MPP.Route="))
                .findFirst().orElse(null);
    }

    private static long clientRequests(RecordingBackend backend) {
        return backend.received().stream().filter(r -> r.pathAndQuery().equals(QUERY)).count();
    }

    private List<String> discoveredUrls() {
        return discovered.stream().map(RecordingBackend::url).toList();
    }

    /** Sends the cookie many times: each answer comes from a discovered backend and pins the client anew. */
    private Set<String> ignoredEveryTime(String cookieHeader) throws Exception {
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = get(cookieHeader);
            servedBy.add(servedBy(r));
            assertThat(setCookie(r)).as("a re-pin, as the cookie did not count").isNotNull()
                    .startsWith("MPP.Route=" + codec.encode(servedBy(r)) + ";");
        }
        assertThat(servedBy).isSubsetOf(discoveredUrls());
        return servedBy;
    }

    @Test
    void aGenuineCookieHoldsAndIsSecureOverHttps() throws Exception {
        HttpResponse<String> first = get(null, "X-Forwarded-Proto", "https");
        String pinned = servedBy(first);
        assertThat(setCookie(first)).contains("; Secure");
        String cookie = setCookie(first).substring(0, setCookie(first).indexOf(';'));
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = get("theme=dark; " + cookie);
            assertThat(servedBy(r)).isEqualTo(pinned);
            assertThat(setCookie(r)).isNull();
        }
    }

    @Test
    void cookiesNamingAnAddressMppNeverDiscoveredAreNeverFollowed() throws Exception {
        String genuine = codec.encode(discovered.get(0).url());
        String outsiderUrl = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(outsider.url().getBytes(StandardCharsets.UTF_8));
        // The original's plain URL, a genuine MAC under another URL, and even a correct signature of the outsider.
        ignoredEveryTime("MPP.Route=" + outsider.url());
        ignoredEveryTime("MPP.Route=" + outsiderUrl + genuine.substring(genuine.indexOf('.')));
        ignoredEveryTime("MPP.Route=" + codec.encode(outsider.url()));
        ignoredEveryTime("MPP.Route=" + new RouteCookie("a-key-some-other-mpp-copy-might-use!!".getBytes(
                StandardCharsets.UTF_8)).encode(discovered.get(0).url()));
        ignoredEveryTime("MPP.Route=%%%not-base64%%%");
        assertThat(outsider.received()).as("requests that reached the undiscovered address").isEmpty();
    }

    @Test
    void aCookieForABackendThatWasRemovedIsIgnored() throws Exception {
        RecordingBackend removed = discovered.get(2);
        String cookie = "MPP.Route=" + codec.encode(removed.url());
        assertThat(servedBy(get(cookie))).as("honoured while it serves").isEqualTo(removed.url());

        writeEndpoints(discovered.subList(0, 2));
        // While the backend is selected the cookie holds, so an answer from another one means selection dropped it.
        Await.until(Duration.ofSeconds(30), "selection to drop the removed backend",
                () -> !servedBy(get(cookie)).equals(removed.url()));
        long before = clientRequests(removed);
        Set<String> servedBy = ignoredEveryTime(cookie);
        assertThat(servedBy).doesNotContain(removed.url());
        assertThat(clientRequests(removed)).as("requests to the removed backend after it left").isEqualTo(before);
    }
}
