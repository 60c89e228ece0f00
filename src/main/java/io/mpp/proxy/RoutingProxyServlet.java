package io.mpp.proxy;

import io.mpp.discovery.Endpoint;
import io.mpp.selection.Selection;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Callback;

/**
 * Owns every path outside {@code /mpp/}: picks a backend from the current selection and streams the exchange
 * through Jetty's proxy. The answer carries {@code MPP.ServedBy}.
 */
public class RoutingProxyServlet extends ProxyServlet {

    public static final String SERVED_BY = "MPP.ServedBy";
    private static final String BACKEND = RoutingProxyServlet.class.getName() + ".backend";

    private final Supplier<Selection> selection;
    private final Duration connectTimeout;

    public RoutingProxyServlet(Supplier<Selection> selection, Duration connectTimeout) {
        this.selection = selection;
        this.connectTimeout = connectTimeout;
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        HttpClient client = super.createHttpClient();
        client.setConnectTimeout(connectTimeout.toMillis());
        return client;
    }

    @Override
    protected String rewriteTarget(HttpServletRequest request) {
        Endpoint backend = selection.get().pick();
        if (backend == null) {
            return null;
        }
        request.setAttribute(BACKEND, backend);
        return target(backend, request);
    }

    static String target(Endpoint backend, HttpServletRequest request) {
        String query = request.getQueryString();
        String uri = request.getRequestURI();
        StringBuilder sb = new StringBuilder(backend.url().length() + uri.length() + (query == null ? 0 : query.length() + 1));
        sb.append(backend.url()).append(uri);
        if (query != null) {
            sb.append('?').append(query);
        }
        return sb.toString();
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

    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                           Response serverResponse) {
        super.onServerResponseHeaders(clientRequest, proxyResponse, serverResponse);
        Endpoint backend = (Endpoint) clientRequest.getAttribute(BACKEND);
        if (backend != null) {
            proxyResponse.setHeader(SERVED_BY, backend.url());
        }
    }

    /** Passes each chunk on as it arrives: without the flush Jetty holds up to a buffer's worth of the answer. */
    @Override
    protected void onResponseContent(HttpServletRequest request, HttpServletResponse response, Response proxyResponse,
                                     byte[] buffer, int offset, int length, Callback callback) {
        try {
            ServletOutputStream out = response.getOutputStream();
            out.write(buffer, offset, length);
            out.flush();
            callback.succeeded();
        } catch (Throwable x) {
            callback.failed(x);
        }
    }

    @Override
    protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          int status) {
        if (proxyResponse.isCommitted()) {
            // The answer had started: all we can do is cut it so the client sees it is incomplete.
            super.sendProxyResponseError(clientRequest, proxyResponse, status);
            return;
        }
        try {
            proxyResponse.resetBuffer();
            proxyResponse.setHeader(HttpHeader.CONNECTION.asString(), "close");
            Endpoint backend = (Endpoint) clientRequest.getAttribute(BACKEND);
            String reason = status == HttpServletResponse.SC_GATEWAY_TIMEOUT ? "timeout" : "unavailable";
            PrometheusErrors.send(proxyResponse, status, reason,
                    "backend " + (backend == null ? "?" : backend.url()) + " failed to answer (" + status + ")");
        } finally {
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
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
                        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}").getBytes(StandardCharsets.UTF_8);
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
            } catch (IOException e) {
                // The client went away; nothing left to tell it.
            }
        }
    }
}
