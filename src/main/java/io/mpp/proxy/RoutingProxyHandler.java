package io.mpp.proxy;

import io.mpp.discovery.Endpoint;
import io.mpp.proxy.affinity.Affinity;
import io.mpp.proxy.affinity.Route;
import io.mpp.proxy.http1.Http1Client;
import io.mpp.proxy.http1.ProxyConnector;
import io.mpp.selection.SelectionSource;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every path outside {@code /mpp/}: picks a backend from the current selection and streams the exchange with
 * it, moving a request that fails before its answer started to another backend (see {@link Exchange}). Session
 * affinity chooses the first backend when more than one serves. The answer carries {@code MPP.ServedBy}.
 *
 * <p>Two transports carry the exchanges: mpp's own HTTP/1.1 client ({@link Http1Client}) for plain-http backends and
 * bodies in memory, the common case and the one the throughput target is about; Jetty's HTTP client, which this
 * handler inherits, for https backends and bodies streamed through.
 *
 * <p>Nothing here blocks, and it says so ({@link InvocationType#NON_BLOCKING}, for the server and for the clients'
 * transports): Jetty then runs a request and its answer on the threads that read them instead of handing each to a
 * pool thread, which on a small machine costs more than the proxying itself.
 */
public class RoutingProxyHandler extends ProxyHandler {

    public static final String SERVED_BY = "MPP.ServedBy";
    private static final Logger LOG = LoggerFactory.getLogger(RoutingProxyHandler.class);

    /** Room left in an answer's head for what mpp adds to it: MPP.ServedBy, an affinity cookie. */
    static final int ADDED_HEAD_BYTES = 1024;
    /** The exchange timeout bounds a request; the client connection's idle timeout must not cut a slow query. */
    private static final Predicate<TimeoutException> KEEP_WAITING = timeout -> false;

    private final SelectionSource selection;
    private final RetryPolicy policy;
    private final Affinity affinity;
    private final ProxyMetrics metrics;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final int maxConnectionsPerBackend;
    private final SslContextFactory.Client backendTls;
    private final AtomicBoolean warnedOfRouteCookie = new AtomicBoolean();
    private AnswerWatchdog watchdog;
    private Http1Client http1;
    private int maxAnswerHeadBytes;

    /** @param backendTls TLS for https backends, this handler's own (its HTTP client starts and stops it) */
    public RoutingProxyHandler(SelectionSource selection, RetryPolicy policy, Affinity affinity, ProxyMetrics metrics,
                               Duration connectTimeout, Duration idleTimeout, int maxConnectionsPerBackend,
                               SslContextFactory.Client backendTls) {
        this.selection = selection;
        this.policy = policy;
        this.affinity = affinity;
        this.metrics = metrics;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
        this.maxConnectionsPerBackend = maxConnectionsPerBackend;
        this.backendTls = backendTls;
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
        connector.setSslContextFactory(backendTls);
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
        client.setDefaultRequestContentType(null); // a body the client sent without a type goes without one
        client.setMaxResponseHeadersSize(maxAnswerHeadBytes);
    }

    /**
     * A backend's answer head must fit, with what mpp adds, in what the server's connectors write (their
     * {@code maxResponseHeaderSize}): a longer one is a bad answer (502), not Jetty's error page after the proxy
     * counted a success.
     */
    static int maxAnswerHeadBytes(Server server) {
        int smallest = Integer.MAX_VALUE;
        // Looked for among the beans: Dropwizard wraps each connection factory in one that counts connections.
        for (HttpConnectionFactory http : server.getContainedBeans(HttpConnectionFactory.class)) {
            smallest = Math.min(smallest, http.getHttpConfiguration().getResponseHeaderSize());
        }
        return smallest == Integer.MAX_VALUE ? 64 * 1024 : Math.max(1024, smallest - ADDED_HEAD_BYTES);
    }

    @Override
    protected void doStart() throws Exception {
        watchdog = new AnswerWatchdog(policy.headersTimeout());
        maxAnswerHeadBytes = maxAnswerHeadBytes(getServer());
        if (http1 == null) {
            http1 = new Http1Client(ProxyConnector.of(getServer()), getServer().getThreadPool(), connectTimeout,
                    new Http1Client.Limits(idleTimeout, maxAnswerHeadBytes), maxConnectionsPerBackend);
            addBean(http1, true);
        }
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

    /** The URI is picked per attempt by {@link #newCall}; Jetty's own flow, which calls this, is not used. */
    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        throw new UnsupportedOperationException("mpp routes each attempt itself");
    }

    /**
     * A call of the client's method, path, query, end-to-end headers and body on one backend: over mpp's own HTTP/1.1
     * client for a plain-http backend and a body in memory, otherwise through Jetty's HTTP client.
     *
     * @throws IllegalArgumentException when the client's request target is not one a backend can be sent
     */
    BackendCall newCall(Request request, Endpoint backend, RequestBody body, AnswerListener listener) {
        String pathQuery = request.getHttpURI().getPathQuery();
        Http1Client.checkTarget(pathQuery);
        String url = backend.url();
        HttpFields.Mutable headers = HttpFields.build(request.getHeaders().size() + 4);
        BackendHeaders.add(request, BackendHeaders.authority(url), headers);
        if (Http1Client.serves(url) && body.replayable()) {
            byte[] bytes = body instanceof RequestBody.Buffered buffered ? buffered.bytes() : null;
            return http1.newCall(url, request.getMethod(), pathQuery, headers, bytes, listener);
        }
        org.eclipse.jetty.client.Request proxyRequest = getHttpClient().newRequest(url + UriSafeTarget.of(pathQuery))
                // Not cut while the query is evaluated (see Http1Connection.onIdleExpired); Jetty's client has one
                // idle timeout for the whole exchange, so the exchange timeout bounds a silence in the answer too.
                .idleTimeout(policy.exchangeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .method(request.getMethod())
                .headers(h -> h.add(headers));
        org.eclipse.jetty.client.Request.Content content = body.content(headers.get(HttpHeader.CONTENT_TYPE));
        if (content != null) {
            proxyRequest.body(content);
        }
        return new ClientCall(proxyRequest, listener);
    }

    /**
     * An interim answer is not passed on, as {@link Http1Client} does not pass it on either: Jetty's would look for
     * its own flow's request attributes, which mpp does not set, and log a NullPointerException.
     */
    @Override
    protected void onServerToProxyResponse102Processing(Request clientToProxyRequest,
                                                        org.eclipse.jetty.client.Request proxyToServerRequest,
                                                        HttpFields serverToProxyResponseFields,
                                                        Response proxyToClientResponse) {
    }

    /** See {@link #onServerToProxyResponse102Processing}. */
    @Override
    protected void onServerToProxyResponse103EarlyHints(Request clientToProxyRequest,
                                                        org.eclipse.jetty.client.Request proxyToServerRequest,
                                                        HttpFields serverToProxyResponseFields,
                                                        Response proxyToClientResponse) {
    }

    /** The answer's end-to-end headers, the backend that served it, and the affinity cookie when one is due. */
    void copyAnswerHeaders(Request request, Response response, HttpFields answer, Endpoint backend, Route route) {
        HttpFields.Mutable headers = response.getHeaders();
        if (affinity.setsRouteCookie(answer)) {
            copyDroppingRouteCookie(answer, headers, backend);
        } else {
            HopByHop.copy(answer, headers, Set.of());
        }
        headers.put(SERVED_BY, backend.url());
        String setCookie = affinity.pin(route, request.getHeaders(), request.isSecure(), backend);
        if (setCookie != null) {
            headers.add(HttpHeader.SET_COOKIE, setCookie);
        }
    }

    /** An inner mpp's route cookie of the same name would replace this one's in the client, so it goes. */
    private void copyDroppingRouteCookie(HttpFields answer, HttpFields.Mutable headers, Endpoint backend) {
        HopByHop.copy(answer, headers, EnumSet.of(HttpHeader.SET_COOKIE));
        for (HttpField field : answer) {
            if (field.getHeader() == HttpHeader.SET_COOKIE && !affinity.isRouteCookie(field.getValue())) {
                headers.add(field);
            }
        }
        if (warnedOfRouteCookie.compareAndSet(false, true)) {
            LOG.warn("backend {} sets the route cookie {} itself (an mpp behind mpp?): its cookie is dropped; give each"
                    + " mpp its own MPP_AFFINITY_COOKIE_NAME for both to keep their clients", backend,
                    affinity.cookieName());
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
