package io.mpp.proxy.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mpp.discovery.Endpoint;
import io.mpp.selection.Selection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

/** Which backend affinity chooses, when it pins, and what it counts. */
class AffinityTest {

    private static final Endpoint A = Endpoint.parse("http://127.0.0.1:9001", "file");
    private static final Endpoint B = Endpoint.parse("http://127.0.0.1:9002", "file");
    private static final Endpoint C = Endpoint.parse("http://127.0.0.1:9003", "file");
    private static final Selection THREE = selection(List.of(A, B, C), List.of(A, B, C));

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RouteCookie codec = new RouteCookie(RouteCookieTest.KEY);

    private static Selection selection(List<Endpoint> serving, List<Endpoint> live) {
        return new Selection(serving, live, List.of(), Instant.EPOCH, true);
    }

    private Affinity affinity(String options) {
        AffinityOptions parsed = AffinityOptions.parse(options);
        return new Affinity(parsed, parsed.cookies() ? codec : null, ClientAddress.LEFTMOST, registry);
    }

    /** The headers of a request from 192.0.2.1 over plain http. */
    static HttpFields request(Map<String, String> headers) {
        HttpFields.Mutable fields = HttpFields.build();
        headers.forEach(fields::add);
        return fields;
    }

    private Route route(Affinity affinity, HttpFields request, Selection selection) {
        return affinity.route(request, "192.0.2.1", selection);
    }

    private List<String> answer(Affinity affinity, Route route, HttpFields request, Endpoint answered) {
        List<String> setCookies = new ArrayList<>();
        String setCookie = affinity.pin(route, request, false, answered);
        if (setCookie != null) {
            setCookies.add(setCookie);
        }
        return setCookies;
    }

    private HttpFields withCookie(Endpoint backend) {
        return request(Map.of("Cookie", "MPP.Route=" + codec.encode(backend.url())));
    }

    private double hits(String type) {
        return registry.counter(Affinity.HITS, "type", type).count();
    }

    @Test
    void aClientWithoutCookieIsPinnedToTheBackendThatAnswers() {
        Affinity affinity = affinity("cookies");
        HttpFields request = request(Map.of());
        Route route = route(affinity, request, THREE);
        assertThat(route.backend()).isIn(A, B, C);
        assertThat(answer(affinity, route, request, route.backend()))
                .containsExactly(codec.setCookieHeader(route.backend().url(), false));
        assertThat(hits("cookie")).isZero();
    }

    @Test
    void aValidCookieKeepsTheClientOnItsBackendAndIsNotSetAgain() {
        Affinity affinity = affinity("cookies");
        for (int i = 0; i < 50; i++) {
            Route route = route(affinity, withCookie(B), THREE);
            assertThat(route.backend()).isEqualTo(B);
            assertThat(answer(affinity, route, withCookie(B), B)).isEmpty();
        }
        assertThat(hits("cookie")).isEqualTo(50);
        assertThat(registry.scrape()).contains("mpp_affinity_hits_total{type=\"cookie\"} 50.0");
    }

    @Test
    void aRetryOnAnotherBackendPinsThatOne() {
        Affinity affinity = affinity("cookies");
        Route route = route(affinity, withCookie(B), THREE);
        assertThat(answer(affinity, route, withCookie(B), C)).containsExactly(codec.setCookieHeader(C.url(), false));
    }

    @Test
    void aCookieForABackendNoLongerServingOrNotLiveIsIgnoredAndReplaced() {
        Affinity affinity = affinity("cookies");
        Selection bGone = selection(List.of(A, C), List.of(A, C));
        Selection bLiveNotServing = selection(List.of(A, C), List.of(A, B, C));
        for (Selection selection : List.of(bGone, bLiveNotServing)) {
            Set<Endpoint> seen = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                Route route = route(affinity, withCookie(B), selection);
                seen.add(route.backend());
                assertThat(answer(affinity, route, withCookie(B), route.backend()))
                        .containsExactly(codec.setCookieHeader(route.backend().url(), false));
            }
            assertThat(seen).doesNotContain(B);
        }
        // Serving but found dead (selection keeps the two apart only between probes): not honoured either.
        for (int i = 0; i < 40; i++) {
            route(affinity, withCookie(B), selection(List.of(A, B, C), List.of(A, C)));
        }
        assertThat(hits("cookie")).isZero();
    }

    @Test
    void aCookieOfAnotherKeyIsIgnored() {
        Affinity affinity = affinity("cookies");
        String foreign = new RouteCookie(RouteCookieTest.OTHER_KEY).encode(B.url());
        Set<Endpoint> seen = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            seen.add(route(affinity, request(Map.of("Cookie", "MPP.Route=" + foreign)), THREE).backend());
        }
        assertThat(seen).as("a random pick, not the cookie's").contains(A, C);
    }

    @Test
    void withOneServingBackendThereIsNoAffinityAndNoNewCookie() {
        Affinity affinity = affinity("cookies,sourceip");
        Selection one = selection(List.of(A), List.of(A, B));
        for (HttpFields request : List.of(request(Map.of()), withCookie(A))) {
            Route route = route(affinity, request, one);
            assertThat(route.backend()).isEqualTo(A);
            assertThat(answer(affinity, route, request, A)).isEmpty();
        }
        assertThat(route(affinity, request(Map.of()), selection(List.of(), List.of()))).isNull();
        assertThat(hits("cookie") + hits("sourceip")).isZero();
    }

    @Test
    void withOneServingBackendAClientPinnedToAnotherIsPinnedToIt() {
        // Two replicas, the pinned one gone: the client must not go back to it, with its gap, once it serves again.
        Affinity affinity = affinity("cookies");
        Route route = route(affinity, withCookie(B), selection(List.of(A), List.of(A)));
        assertThat(route.backend()).isEqualTo(A);
        assertThat(answer(affinity, route, withCookie(B), A)).containsExactly(codec.setCookieHeader(A.url(), false));

        HttpFields pinnedToA = request(Map.of("Cookie", codec.setCookieHeader(A.url(), false).split(";")[0]));
        Route back = route(affinity, pinnedToA, selection(List.of(A, B), List.of(A, B)));
        assertThat(back.backend()).as("B serves again").isEqualTo(A);
        assertThat(answer(affinity, back, pinnedToA, A)).isEmpty();
        assertThat(hits("cookie")).isEqualTo(1);
    }

    @Test
    void ofSeveralRouteCookiesOneThatServesIsTakenOverAStaleOne() {
        Affinity affinity = affinity("cookies");
        String gone = codec.encode("http://127.0.0.1:9099");
        HttpFields request = request(Map.of("Cookie", "MPP.Route=" + gone + "; MPP.Route=" + codec.encode(C.url())));
        for (int i = 0; i < 20; i++) {
            Route route = route(affinity, request, THREE);
            assertThat(route.backend()).isEqualTo(C);
            assertThat(answer(affinity, route, request, C)).isEmpty();
        }
    }

    @Test
    void manyForgedRouteCookiesCostNoMacWithSeveralBackendsAndAtMostFourWithOne() {
        AtomicInteger macs = new AtomicInteger();
        RouteCookie counted = new RouteCookie(RouteCookie.DEFAULT_NAME, RouteCookieTest.KEY, macs::incrementAndGet);
        Affinity affinity = new Affinity(AffinityOptions.parse("cookies"), counted, ClientAddress.LEFTMOST, registry);
        HttpFields bogus = request(Map.of("Cookie",
                String.join("; ", Collections.nCopies(350, "MPP.Route=AAAA.BBBB"))));
        route(affinity, bogus, THREE);
        assertThat(macs).as("no pair names a serving backend").hasValue(0);
        route(affinity, bogus, selection(List.of(A), List.of(A)));
        assertThat(macs).as("with one backend, any pinned URL counts: the first four only").hasValue(4);
    }

    @Test
    void theCookieNameIsConfigurable() {
        RouteCookie named = new RouteCookie("MPP.Route.outer", RouteCookieTest.KEY);
        Affinity affinity = new Affinity(AffinityOptions.parse("cookies"), named, ClientAddress.LEFTMOST, registry);
        HttpFields request = request(Map.of("Cookie", "MPP.Route=" + codec.encode(B.url())));
        Route route = route(affinity, request, THREE);
        assertThat(answer(affinity, route, request, route.backend()))
                .as("another name's cookie is not this mpp's").singleElement().asString()
                .startsWith("MPP.Route.outer=" + named.encode(route.backend().url()) + ";");
        for (int i = 0; i < 20; i++) {
            assertThat(route(affinity, request(Map.of("Cookie", "MPP.Route.outer=" + named.encode(B.url()))), THREE)
                    .backend()).isEqualTo(B);
        }
        assertThat(affinity.isRouteCookie("MPP.Route.outer=x; Path=/")).isTrue();
        assertThat(affinity.isRouteCookie("MPP.Route=x; Path=/")).isFalse();
    }

    @Test
    void theCookieIsSecureWhenTheClientCameOverHttps() {
        Affinity affinity = affinity("cookies");
        HttpFields request = request(Map.of("X-Forwarded-Proto", "https, http"));
        Route route = route(affinity, request, THREE);
        assertThat(answer(affinity, route, request, route.backend())).singleElement().asString().endsWith("; Secure");
    }

    @Test
    void sourceIpKeepsAnAddressOnOneBackendAndRetriesGoToItsNextChoice() {
        Affinity affinity = affinity("sourceip");
        HttpFields request = request(Map.of("X-Forwarded-For", "203.0.113.7, 10.0.0.1"));
        Route first = route(affinity, request, THREE);
        for (int i = 0; i < 50; i++) {
            Route route = route(affinity, request, THREE);
            assertThat(route.backend()).isEqualTo(first.backend());
            assertThat(answer(affinity, route, request, route.backend())).as("no cookie without cookies").isEmpty();
        }
        assertThat(hits("sourceip")).isEqualTo(51);
        // The retry goes where the client will be hashed once its backend is out of the selection.
        Endpoint retry = first.next(THREE, List.of(first.backend()));
        List<Endpoint> rest = new ArrayList<>(List.of(A, B, C));
        rest.remove(first.backend());
        assertThat(route(affinity, request, selection(rest, rest)).backend()).isEqualTo(retry);
    }

    @Test
    void theCookieComesFirstThenTheSourceAddress() {
        Affinity affinity = affinity("cookies,sourceip");
        HttpFields plain = request(Map.of("X-Forwarded-For", "203.0.113.7"));
        Endpoint bySource = route(affinity, plain, THREE).backend();
        Endpoint other = bySource.equals(A) ? B : A;
        HttpFields both = request(Map.of("X-Forwarded-For", "203.0.113.7",
                "Cookie", "MPP.Route=" + codec.encode(other.url())));
        assertThat(route(affinity, both, THREE).backend()).isEqualTo(other);
        // Without a usable cookie the source address decides, and the answer pins it.
        Route route = route(affinity, plain, THREE);
        assertThat(answer(affinity, route, plain, route.backend()))
                .containsExactly(codec.setCookieHeader(bySource.url(), false));
        assertThat(hits("cookie")).isEqualTo(1);
        assertThat(hits("sourceip")).isEqualTo(2);
    }

    @Test
    void withCookiesAndSourceIpTheRetryOfACookieRoutedRequestGoesToTheClientsNextChoice() {
        Affinity affinity = affinity("cookies,sourceip");
        HttpFields plain = request(Map.of("X-Forwarded-For", "203.0.113.7"));
        Endpoint bySource = route(affinity, plain, THREE).backend();
        Endpoint pinned = bySource.equals(A) ? B : A;
        HttpFields withCookie = request(Map.of("X-Forwarded-For", "203.0.113.7",
                "Cookie", "MPP.Route=" + codec.encode(pinned.url())));
        Route route = route(affinity, withCookie, THREE);
        assertThat(route.backend()).isEqualTo(pinned);
        List<Endpoint> rest = new ArrayList<>(List.of(A, B, C));
        rest.remove(pinned);
        Endpoint nextChoice = route(affinity, plain, selection(rest, rest)).backend();
        // A random pick would differ from the next choice at least once in 40 tries (1 in 2^40 that it never does).
        for (int i = 0; i < 40; i++) {
            assertThat(route.next(THREE, List.of(pinned))).isEqualTo(nextChoice);
        }
    }

    @Test
    void noneTurnsAffinityOff() {
        Affinity affinity = affinity("none");
        Set<Endpoint> seen = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            Route route = route(affinity, withCookie(B), THREE);
            seen.add(route.backend());
            assertThat(answer(affinity, route, withCookie(B), route.backend())).isEmpty();
        }
        assertThat(seen).contains(A, C);
    }
}
