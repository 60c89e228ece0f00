package io.mpp.proxy.affinity;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mpp.discovery.Endpoint;
import io.mpp.selection.Selection;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Keeps a client on one backend while more than one serves, so consecutive queries (a dashboard's panels) see the
 * same replica's data. The route cookie comes first, then the source address; the backend either names is taken
 * only while it serves in the current selection and is live. A cookie is only ever a choice among the backends mpp
 * discovered and selected: mpp never connects to an address because a client named it.
 */
public final class Affinity {

    public static final String HITS = "mpp_affinity_hits";

    private final AffinityOptions options;
    /** Null when cookies are off. */
    private final RouteCookie cookie;
    private final int trustedProxies;
    private final Counter cookieHits;
    private final Counter sourceIpHits;

    /**
     * @param cookie         the cookie codec; null when cookies are off
     * @param trustedProxies see {@link ClientAddress#of}
     * @param registry       where {@value #HITS} is counted, by {@code type}
     */
    public Affinity(AffinityOptions options, RouteCookie cookie, int trustedProxies, MeterRegistry registry) {
        if (options.cookies() != (cookie != null)) {
            throw new IllegalArgumentException("a route cookie codec is needed exactly when cookies are on");
        }
        this.options = options;
        this.cookie = cookie;
        this.trustedProxies = trustedProxies;
        this.cookieHits = hits(registry, "cookie");
        this.sourceIpHits = hits(registry, "sourceip");
    }

    private static Counter hits(MeterRegistry registry, String type) {
        return Counter.builder(HITS)
                .description("requests whose backend session affinity chose, by the kind of affinity")
                .tag("type", type)
                .register(registry);
    }

    public AffinityOptions options() {
        return options;
    }

    /**
     * Where a request goes first; null when no backend serves.
     *
     * @param headers    the client's request headers
     * @param remoteAddr the address the connection came from
     */
    public Route route(HttpFields headers, String remoteAddr, Selection selection) {
        List<Endpoint> serving = selection.serving();
        if (serving.size() < 2 || !options.any()) {
            Endpoint backend = selection.pick();
            if (backend == null || cookie == null || !headers.contains(HttpHeader.COOKIE)) {
                return backend == null ? null : Route.to(backend);
            }
            // A client pinned to a backend that left is pinned anew to the one serving: else it would go back to
            // its old backend, with the gap of its absence in its data, as soon as that serves again. The two
            // looks ask about different URLs, so no cookie costs two MACs.
            String url = backend.url();
            if (cookie.routeIn(headers.getValues(HttpHeader.COOKIE.asString()), url::equals) != null) {
                return Route.to(backend);
            }
            String elsewhere = cookie.routeIn(headers.getValues(HttpHeader.COOKIE.asString()),
                    other -> !other.equals(url));
            return elsewhere == null ? Route.to(backend) : new Route(backend, true, elsewhere, null);
        }
        if (cookie != null) {
            // Only a cookie naming a backend that may take the request is worth its MAC.
            String pinned = cookie.routeIn(headers.getValues(HttpHeader.COOKIE.asString()),
                    url -> servingAndLive(selection, url) != null);
            Endpoint backend = pinned == null ? null : servingAndLive(selection, pinned);
            if (backend != null) {
                cookieHits.increment();
                // With sourceip a retry goes to the client's next choice, as it does without a cookie.
                return new Route(backend, true, pinned, options.sourceIp() ? clientKey(headers, remoteAddr) : null);
            }
        }
        if (options.sourceIp()) {
            byte[] client = clientKey(headers, remoteAddr);
            sourceIpHits.increment();
            return new Route(Rendezvous.choose(client, serving, List.of()), cookie != null, null, client);
        }
        return new Route(selection.pick(), true, null, null);
    }

    /**
     * The Set-Cookie value that pins the client to the backend that answered (the first one, or the one a retry
     * moved the request to); null when its cookie names that backend already or nothing is to be pinned.
     *
     * @param secure whether the client's connection to mpp is TLS
     */
    public String pin(Route route, HttpFields requestHeaders, boolean secure, Endpoint answered) {
        if (route.pinning() && !answered.url().equals(route.pinnedUrl())) {
            return cookie.setCookieHeader(answered.url(), cameOverHttps(secure, requestHeaders));
        }
        return null;
    }

    /**
     * Whether a backend's answer sets this mpp's route cookie itself: an mpp behind mpp with the same cookie name,
     * whose cookie would replace this one's in the client.
     */
    public boolean setsRouteCookie(HttpFields answer) {
        if (cookie == null) {
            return false;
        }
        for (int i = 0, n = answer.size(); i < n; i++) { // every answer passes here: no iterator
            HttpField field = answer.getField(i);
            if (field.getHeader() == HttpHeader.SET_COOKIE && cookie.isSetBy(field.getValue())) {
                return true;
            }
        }
        return false;
    }

    /** Whether this Set-Cookie value sets this mpp's route cookie. */
    public boolean isRouteCookie(String setCookie) {
        return cookie != null && cookie.isSetBy(setCookie);
    }

    /** The route cookie's name; null when cookies are off. */
    public String cookieName() {
        return cookie == null ? null : cookie.name();
    }

    private byte[] clientKey(HttpFields headers, String remoteAddr) {
        return ClientAddress.of(headers.getValues(HttpHeader.X_FORWARDED_FOR.asString()), trustedProxies, remoteAddr);
    }

    /** The backend among the current selection's serving and live ones with this URL; null when there is none. */
    private static Endpoint servingAndLive(Selection selection, String url) {
        List<Endpoint> serving = selection.serving();
        for (int i = 0, n = serving.size(); i < n; i++) {
            Endpoint backend = serving.get(i);
            if (backend.url().equals(url)) {
                return selection.live().contains(backend) ? backend : null;
            }
        }
        return null;
    }

    /** Directly, or through a proxy that terminated TLS and says so in X-Forwarded-Proto (its first entry). */
    static boolean cameOverHttps(boolean secure, HttpFields headers) {
        if (secure) {
            return true;
        }
        String proto = headers.get(HttpHeader.X_FORWARDED_PROTO);
        if (proto == null) {
            return false;
        }
        int comma = proto.indexOf(',');
        return (comma < 0 ? proto : proto.substring(0, comma)).strip().equalsIgnoreCase("https");
    }
}
