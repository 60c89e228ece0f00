package io.mpp.proxy;

import io.mpp.discovery.Endpoint;
import io.mpp.proxy.affinity.Affinity;
import io.mpp.proxy.affinity.Route;
import io.mpp.selection.SelectionSource;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Owns every path outside {@code /mpp/}: picks a backend from the current selection and streams the exchange through
 * Jetty's HTTP client, moving a request that fails before its answer started to another backend (see
 * {@link Exchange}). Session affinity chooses the first backend when more than one serves. The answer carries
 * {@code MPP.ServedBy}.
 *
 * <p>Nothing here blocks, and it says so ({@link InvocationType#NON_BLOCKING}, for the server and for the client's
 * transport): Jetty then runs a request and its answer on the threads that read them instead of handing each to a
 * pool thread, which on a small machine costs more than the proxying itself.
 */
public class RoutingProxyHandler extends ProxyHandler {

    public static final String SERVED_BY = "MPP.ServedBy";

    /** Client headers not copied as they are: the backend gets its own Host, no Expect, an extended chain. */
    private static final Set<HttpHeader> REPLACED = EnumSet.of(HttpHeader.HOST, HttpHeader.EXPECT,
            HttpHeader.X_FORWARDED_FOR);
    /** The exchange timeout bounds a request; the client connection's idle timeout must not cut a slow query. */
    private static final Predicate<TimeoutException> KEEP_WAITING = timeout -> false;

    private final SelectionSource selection;
    private final RetryPolicy policy;
    private final Affinity affinity;
    private final ProxyMetrics metrics;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final int maxConnectionsPerBackend;
    private AnswerWatchdog watchdog;

    public RoutingProxyHandler(SelectionSource selection, RetryPolicy policy, Affinity affinity, ProxyMetrics metrics,
                               Duration connectTimeout, Duration idleTimeout, int maxConnectionsPerBackend) {
        this.selection = selection;
        this.policy = policy;
        this.affinity = affinity;
        this.metrics = metrics;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
        this.maxConnectionsPerBackend = maxConnectionsPerBackend;
        // The client shares the server's threads; with non-blocking listeners it rarely needs one.
        setUseServerThreadPool(true);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    protected HttpClient newHttpClient() {
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setSslContextFactory(new SslContextFactory.Client());
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        transport.setInvocationType(InvocationType.NON_BLOCKING);
        return new HttpClient(transport);
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        client.setName("mpp-proxy-client");
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setIdleTimeout(idleTimeout.toMillis());
        client.setMaxConnectionsPerDestination(maxConnectionsPerBackend);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
    }

    @Override
    protected void doStart() throws Exception {
        watchdog = new AnswerWatchdog(policy.headersTimeout());
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        watchdog.close();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        Route route = affinity.route(request.getHeaders(), Request.getRemoteAddr(request), selection.current());
        if (route == null) {
            // Look again soon rather than at the next interval: a backend may be back.
            selection.reselectSoon();
            // Counted before the answer leaves, so a scrape right after the client has it includes it.
            metrics.completed(null, 503, started);
            PrometheusError.send(response, callback, 503, "unavailable",
                    "no live Prometheus backend is available behind mpp; see /mpp/status");
            return true;
        }
        request.addIdleTimeoutListener(KEEP_WAITING);
        RequestBody.read(request, policy.bodyLimit(), new Exchange(this, request, response, callback, route, started));
        return true;
    }

    /** The URI is picked per attempt by {@link #newBackendRequest}; Jetty's own flow, which calls this, is not used. */
    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        throw new UnsupportedOperationException("mpp routes each attempt itself");
    }

    /**
     * A request to one backend with the client's method, path, query, end-to-end headers and body.
     *
     * @throws IllegalArgumentException when the client's request target is not a URI the client can send on
     */
    org.eclipse.jetty.client.Request newBackendRequest(Request request, Endpoint backend, RequestBody body) {
        org.eclipse.jetty.client.Request proxyRequest = getHttpClient()
                .newRequest(backend.url() + request.getHttpURI().getPathQuery())
                .method(request.getMethod());
        HttpFields clientHeaders = request.getHeaders();
        proxyRequest.headers(headers -> {
            HopByHop.copy(clientHeaders, headers, REPLACED);
            // Set here, Jetty's client would parse the whole URI once more to find it.
            headers.put(HttpHeader.HOST, authority(backend.url()));
            addForwardedHeaders(request, clientHeaders, headers);
        });
        org.eclipse.jetty.client.Request.Content content = body.content(clientHeaders.get(HttpHeader.CONTENT_TYPE));
        if (content != null) {
            proxyRequest.body(content);
        }
        return proxyRequest;
    }

    /** The host and port of a normalised backend URL ({@code scheme://host:port[/path]}). */
    static String authority(String url) {
        int start = url.indexOf("://") + 3;
        int end = url.indexOf('/', start);
        return end < 0 ? url.substring(start) : url.substring(start, end);
    }

    /** The de-facto proxy headers: X-Forwarded-For appended to, X-Forwarded-Proto and -Host set only when absent. */
    private static void addForwardedHeaders(Request request, HttpFields client, HttpFields.Mutable headers) {
        String remote = Request.getRemoteAddr(request);
        String chain = joined(client, HttpHeader.X_FORWARDED_FOR);
        headers.put(HttpHeader.X_FORWARDED_FOR, chain == null ? remote : chain + ", " + remote);
        if (!headers.contains(HttpHeader.X_FORWARDED_PROTO)) {
            headers.put(HttpHeader.X_FORWARDED_PROTO, request.isSecure() ? "https" : "http");
        }
        if (!headers.contains(HttpHeader.X_FORWARDED_HOST)) {
            String host = client.get(HttpHeader.HOST);
            if (host != null) {
                headers.put(HttpHeader.X_FORWARDED_HOST, host);
            }
        }
    }

    /** All values of a header the client sent, joined as one comma list; null when absent. */
    private static String joined(HttpFields headers, HttpHeader name) {
        String first = null;
        StringBuilder sb = null;
        for (HttpField field : headers) {
            if (field.getHeader() != name) {
                continue;
            }
            if (first == null) {
                first = field.getValue().strip();
            } else {
                if (sb == null) {
                    sb = new StringBuilder(first);
                }
                sb.append(", ").append(field.getValue().strip());
            }
        }
        return sb == null ? first : sb.toString();
    }

    /** The answer's end-to-end headers, the backend that served it, and the affinity cookie when one is due. */
    void copyAnswerHeaders(Request request, Response response, org.eclipse.jetty.client.Response answer,
                           Endpoint backend, Route route) {
        HttpFields.Mutable headers = response.getHeaders();
        HopByHop.copy(answer.getHeaders(), headers, Set.of());
        headers.put(SERVED_BY, backend.url());
        String setCookie = affinity.pin(route, request.getHeaders(), request.isSecure(), backend);
        if (setCookie != null) {
            headers.add(HttpHeader.SET_COOKIE, setCookie);
        }
    }

    SelectionSource selection() {
        return selection;
    }

    RetryPolicy policy() {
        return policy;
    }

    AnswerWatchdog watchdog() {
        return watchdog;
    }

    ProxyMetrics metrics() {
        return metrics;
    }
}
