package io.mpp.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP server that answers like Prometheus to the probe query and records every other request, so tests
 * can see exactly what mpp sent. {@code /stream} sends half an answer, then waits for {@link #finishStream()}.
 */
public final class RecordingBackend implements AutoCloseable {

    /** What arrived: method, raw path and query, headers, body. */
    public record Received(String method, String pathAndQuery, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(", ", e.getValue())).findFirst().orElse(null);
        }
    }

    public static final String STREAM_FIRST_HALF = "first-half;";
    public static final String STREAM_SECOND_HALF = "second-half";

    private final HttpServer server;
    private final String prefix;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final CountDownLatch streamGate = new CountDownLatch(1);

    private RecordingBackend(String prefix) throws IOException {
        this.prefix = prefix;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** @param prefix path prefix the backend lives under, e.g. {@code /prom}; empty for none */
    public static RecordingBackend start(String prefix) throws IOException {
        return new RecordingBackend(prefix);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public void finishStream() {
        streamGate.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String pathAndQuery = query == null ? path : path + "?" + query;
            if (!path.startsWith(prefix + "/")) {
                send(exchange, 404, "not under " + prefix);
                return;
            }
            if ((prefix + "/api/v1/query?query=up").equals(pathAndQuery)) {
                send(exchange, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), pathAndQuery,
                    Map.copyOf(exchange.getRequestHeaders()), body));
            if (path.equals(prefix + "/stream")) {
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, 0); // chunked
                OutputStream out = exchange.getResponseBody();
                out.write(STREAM_FIRST_HALF.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!streamGate.await(60, TimeUnit.SECONDS)) {
                    return; // the test failed; cut the answer
                }
                out.write(STREAM_SECOND_HALF.getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, "{\"status\":\"success\",\"data\":\"" + exchange.getRequestMethod() + "\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        streamGate.countDown();
        server.stop(0);
    }
}
