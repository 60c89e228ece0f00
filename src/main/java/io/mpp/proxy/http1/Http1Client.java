package io.mpp.proxy.http1;

import io.mpp.proxy.AnswerListener;
import io.mpp.proxy.BackendCall;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * mpp's own client for plain-http backends: HTTP/1.1 over Jetty's connector and parser, without the layers of
 * Jetty's {@code HttpClient} (conversations, listeners, queues per destination), which cost a small query about a
 * quarter of mpp's CPU time. It sends requests whose body is in memory; the rest goes through {@code HttpClient}.
 * Timeouts: connecting ({@code connectTimeout}), and silence on a connection, idle or within an answer
 * ({@code idleTimeout}); the whole exchange is bounded by the caller.
 */
public final class Http1Client extends ContainerLifeCycle {

    /**
     * How long after a request was written a close of its kept-alive connection is still taken for the backend's
     * idle close crossing the request (then it goes again on a new connection): a network's round trip, with room
     * for a busy host. A later close answers the request itself, and is not a reason to send it twice.
     */
    public static final Duration STALE_CLOSE_WINDOW = Duration.ofMillis(500);

    private final Dialer dialer;
    private final Executor executor;
    private final Limits limits;
    private final int maxConnectionsPerBackend;
    private final ConcurrentHashMap<String, Http1Pool> pools = new ConcurrentHashMap<>();

    /**
     * @param server the server's connector, whose selectors then carry the backend connections too; null for a
     *               selector of the client's own
     */
    public Http1Client(ProxyConnector server, Executor executor, Duration connectTimeout, Limits limits,
                       int maxConnectionsPerBackend) {
        this.executor = executor;
        this.limits = limits;
        this.maxConnectionsPerBackend = maxConnectionsPerBackend;
        if (server != null) {
            server.setConnectTimeout(connectTimeout.toMillis());
            dialer = server;
        } else {
            ClientConnector connector = new ClientConnector();
            connector.setExecutor(executor);
            connector.setSelectors(1);
            connector.setConnectTimeout(connectTimeout);
            addBean(connector);
            dialer = connector::connect;
        }
    }

    /** Whether a backend at this normalised URL is one this client talks to. */
    public static boolean serves(String backendUrl) {
        return backendUrl.startsWith("http://");
    }

    /**
     * Checks a client's request target before it goes to any backend.
     *
     * @throws IllegalArgumentException naming what a backend would reject or misread in it
     */
    public static void checkTarget(String pathQuery) {
        RequestHead.checkTarget(pathQuery);
    }

    /**
     * A request to a backend, not sent yet; its target has passed {@link #checkTarget}.
     *
     * @param backendUrl a normalised {@code http://host[:port][/path]} URL; its path prefixes {@code pathQuery}
     * @param headers    the headers to send, Host included; any Content-Length is replaced by the body's
     * @param body       the body, or null for none
     */
    public BackendCall newCall(String backendUrl, String method, String pathQuery, HttpFields headers, byte[] body,
                               AnswerListener listener) {
        Http1Pool pool = pool(backendUrl);
        long length = body != null ? body.length : headers.contains(org.eclipse.jetty.http.HttpHeader.CONTENT_LENGTH)
                ? 0 : -1;
        ByteBuffer head = RequestHead.encode(method, pool.pathPrefix() + pathQuery, headers, length);
        return new Http1Call(pool, head, body == null || body.length == 0 ? null : ByteBuffer.wrap(body),
                HttpMethod.HEAD.is(method), listener);
    }

    private Http1Pool pool(String backendUrl) {
        Http1Pool pool = pools.get(backendUrl);
        return pool != null ? pool : pools.computeIfAbsent(backendUrl, this::newPool);
    }

    private Http1Pool newPool(String backendUrl) {
        URI uri = URI.create(backendUrl);
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return new Http1Pool(dialer, executor, limits, uri.getHost(), port, path, maxConnectionsPerBackend,
                pool -> pools.remove(backendUrl, pool));
    }

    /**
     * What a backend connection tolerates.
     *
     * @param idleTimeout  silence on a connection, idle or within an answer, before it is closed
     * @param maxHeadBytes the longest answer head taken; a longer one fails as a bad answer
     */
    public record Limits(Duration idleTimeout, int maxHeadBytes) {
    }
}
