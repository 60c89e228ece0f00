package io.mpp.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients sending one request after another until stopped, counting every outcome: a failure is any answer other
 * than 200 or any exception (the client gives up on a request after 30 s).
 */
final class SteadyLoad implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger completed = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Who served the requests that started after {@link #mark()}. */
    private final Map<String, AtomicInteger> servedSinceMark = new ConcurrentHashMap<>();
    private final AtomicInteger completedSinceMark = new AtomicInteger();
    private volatile boolean marked;

    SteadyLoad(String url, int clients) {
        this.target = URI.create(url);
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(this::loop, "load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void loop() {
        HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).build();
        while (running.get()) {
            boolean afterMark = marked;
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || !r.body().contains("\"status\":\"success\"")) {
                    failures.add(r.statusCode() + " " + r.body());
                } else {
                    String backend = r.headers().firstValue("MPP.ServedBy").orElse("?");
                    servedBy.computeIfAbsent(backend, k -> new AtomicInteger()).incrementAndGet();
                    if (afterMark) {
                        servedSinceMark.computeIfAbsent(backend, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            } catch (Exception e) {
                failures.add(e.toString());
            }
            completed.incrementAndGet();
            if (afterMark) {
                completedSinceMark.incrementAndGet();
            }
        }
    }

    /** From now on, count separately (requests already in flight are not counted as after the mark). */
    void mark() {
        marked = true;
    }

    int completed() {
        return completed.get();
    }

    int completedSinceMark() {
        return completedSinceMark.get();
    }

    List<String> failures() {
        return failures;
    }

    Map<String, Integer> servedSinceMark() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        servedSinceMark.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(60_000);
        }
    }
}
