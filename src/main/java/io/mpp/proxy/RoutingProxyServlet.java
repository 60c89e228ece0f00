package io.mpp.proxy;

import io.mpp.discovery.Endpoint;
import io.mpp.proxy.affinity.Affinity;
import io.mpp.proxy.affinity.Route;
import io.mpp.selection.SelectionSource;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Owns every path outside {@code /mpp/}: picks a backend from the current selection and streams the exchange
 * through Jetty's proxy client, moving a request that fails before its answer started to another backend (see
 * {@link Exchange}). Session affinity chooses the first backend when more than one serves. The answer carries
 * {@code MPP.ServedBy}.
 */
public class RoutingProxyServlet extends ProxyServlet {

    public static final String SERVED_BY = "MPP.ServedBy";

    private final SelectionSource selection;
    private final Duration connectTimeout;
    private final RetryPolicy policy;
    private final Affinity affinity;
    private final ProxyMetrics metrics;
    private AnswerWatchdog watchdog;

    public RoutingProxyServlet(SelectionSource selection, Duration connectTimeout, RetryPolicy policy,
                               Affinity affinity, ProxyMetrics metrics) {
        this.selection = selection;
        this.connectTimeout = connectTimeout;
        this.policy = policy;
        this.affinity = affinity;
        this.metrics = metrics;
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        HttpClient client = super.createHttpClient();
        client.setConnectTimeout(connectTimeout.toMillis());
        return client;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        Route route = affinity.route(request, selection.current());
        if (route == null) {
            // Look again soon rather than at the next interval: a backend may be back.
            selection.reselectSoon();
            // Counted before the answer leaves, so a scrape right after the client has it includes it.
            metrics.completed(null, HttpServletResponse.SC_SERVICE_UNAVAILABLE, started);
            onProxyRewriteFailed(request, response);
            return;
        }
        RequestBody body;
        try {
            body = RequestBody.read(request, policy.bodyLimit());
        } catch (IOException e) {
            metrics.completed(null, HttpServletResponse.SC_BAD_REQUEST, started);
            sendError(request, response, HttpServletResponse.SC_BAD_REQUEST, "the request body could not be read: "
                    + e.getMessage());
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // the exchange timeout bounds the backend side
        new Exchange(this, selection, policy, request, response, body, route, started).start(route.backend());
    }

    /** A request to one backend with the client's method, path, query, headers and body. */
    Request newBackendRequest(HttpServletRequest request, Endpoint backend, RequestBody body) {
        Request proxyRequest = newProxyRequest(request, target(backend, request));
        copyRequestHeaders(request, proxyRequest);
        addProxyHeaders(request, proxyRequest);
        // The body is read already (or streams as it comes): a backend's 100 Continue has no one to go to.
        proxyRequest.headers(h -> h.remove(HttpHeader.EXPECT));
        if (body instanceof RequestBody.Buffered buffered) {
            String type = request.getContentType();
            proxyRequest.body(type == null ? new BytesRequestContent(buffered.bytes())
                    : new BytesRequestContent(type, buffered.bytes()));
        } else if (body instanceof RequestBody.Streamed streamed) {
            proxyRequest.body(new ProxyInputStreamRequestContent(request, null, proxyRequest, streamed.stream()) {
            });
        }
        return proxyRequest;
    }

    static String target(Endpoint backend, HttpServletRequest request) {
        String query = request.getQueryString();
        String uri = request.getRequestURI();
        StringBuilder sb = new StringBuilder(backend.url().length() + uri.length()
                + (query == null ? 0 : query.length() + 1));
        sb.append(backend.url()).append(uri);
        if (query != null) {
            sb.append('?').append(query);
        }
        return sb.toString();
    }

    AnswerWatchdog watchdog() {
        return watchdog;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    @Override
    public void init() throws ServletException {
        super.init();
        watchdog = new AnswerWatchdog(policy.headersTimeout());
    }

    @Override
    public void destroy() {
        if (watchdog != null) {
            watchdog.close();
        }
        super.destroy();
    }

    @Override
    protected void onProxyRewriteFailed(HttpServletRequest request, HttpServletResponse response) {
        PrometheusErrors.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "unavailable",
                "no live Prometheus backend is available behind mpp; see /mpp/status");
    }

    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        ForwardedHeaders.add(clientRequest, proxyRequest);
    }

    void copyAnswerHeaders(HttpServletRequest request, HttpServletResponse response, Response answer,
                           Endpoint backend, Route route) {
        onServerResponseHeaders(request, response, answer);
        response.setHeader(SERVED_BY, backend.url());
        affinity.pin(route, request, response, backend);
    }

    void answerComplete(HttpServletRequest request) {
        onProxyResponseSuccess(request, null, null);
    }

    void answerBroken(HttpServletRequest request, HttpServletResponse response, Response answer, Throwable failure) {
        onProxyResponseFailure(request, response, answer, failure);
    }

    /** Ends the exchange with a Prometheus-style error, or cuts the connection when the answer had started. */
    void sendError(HttpServletRequest request, HttpServletResponse response, int status, String message) {
        try {
            if (response.isCommitted()) {
                super.sendProxyResponseError(request, response, status);
                return;
            }
            response.reset();
            response.setHeader(HttpHeader.CONNECTION.asString(), "close");
            String type = status == HttpServletResponse.SC_GATEWAY_TIMEOUT ? "timeout"
                    : status == HttpServletResponse.SC_BAD_REQUEST ? "bad_data" : "unavailable";
            PrometheusErrors.send(response, status, type, message);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().complete();
            }
        }
    }

    @Override
    protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          int status) {
        sendError(clientRequest, proxyResponse, status, "the backend's answer broke off (" + status + ")");
    }

    /** Writes the error envelope Prometheus clients understand. */
    static final class PrometheusErrors {
        private PrometheusErrors() {
        }

        static void send(HttpServletResponse response, int status, String errorType, String message) {
            try {
                response.setStatus(status);
                response.setContentType("application/json");
                byte[] body = ("{\"status\":\"error\",\"errorType\":\"" + errorType + "\",\"error\":\""
                        + jsonEscaped(message) + "\"}").getBytes(StandardCharsets.UTF_8);
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
            } catch (IOException e) {
                // The client went away; nothing left to tell it.
            }
        }

        static String jsonEscaped(String text) {
            StringBuilder sb = new StringBuilder(text.length() + 8);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }
    }
}
