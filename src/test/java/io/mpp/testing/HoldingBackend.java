package io.mpp.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback backend that passes mpp's liveness probe (query {@code up}) and holds every request to {@code /hold}
 * until the test releases it: a request in flight for as long as the test needs, without timing.
 */
public final class HoldingBackend implements AutoCloseable {

    private static final String UP = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private HoldingBackend(HttpServer server) {
        this.server = server;
    }

    public static HoldingBackend start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        HoldingBackend backend = new HoldingBackend(server);
        server.createContext("/api/v1/query", exchange -> answer(exchange, UP));
        server.createContext("/hold", backend::hold);
        server.createContext("/", exchange -> answer(exchange, "fast"));
        server.setExecutor(backend.threads);
        server.start();
        return backend;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits until a request to /hold has reached the backend. */
    public boolean awaitHeldRequest(long seconds) throws InterruptedException {
        return arrived.await(seconds, TimeUnit.SECONDS);
    }

    /** Lets the held requests answer 200 "released". */
    public void release() {
        release.countDown();
    }

    private void hold(HttpExchange exchange) throws IOException {
        arrived.countDown();
        try {
            if (!release.await(5, TimeUnit.MINUTES)) {
                exchange.close();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
            return;
        }
        answer(exchange, "released");
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
