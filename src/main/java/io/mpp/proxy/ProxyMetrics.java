package io.mpp.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mpp.discovery.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts proxied requests by backend and status code, their duration and retries. Recording costs a map lookup and
 * an array read: the meters of a backend and of each status code are made once and kept. Meters of a backend that
 * has not been a candidate for {@link #FORGET_AFTER} are removed, so task churn does not grow the series forever.
 */
public final class ProxyMetrics {

    /** The backend label of requests that reached no backend (none was live, or the body could not be read). */
    public static final String NO_BACKEND = "none";
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    /** Explicit buckets: fast instant queries through slow range queries up to the default response timeout. */
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, BackendMeters> byBackend = new ConcurrentHashMap<>();
    private final BackendMeters none;

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.none = new BackendMeters(NO_BACKEND);
    }

    /** A request that ended with this status on this backend (null: it reached none), started at a nanoTime. */
    void completed(Endpoint backend, int status, long startedNanos) {
        BackendMeters m = backend == null ? none : of(backend.url());
        m.duration.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        m.requests(status).increment();
    }

    /** A request left this backend, which failed it, for another. */
    void retried(Endpoint from) {
        of(from.url()).retries.increment();
    }

    private BackendMeters of(String url) {
        BackendMeters m = byBackend.get(url);
        return m != null ? m : byBackend.computeIfAbsent(url, BackendMeters::new);
    }

    /**
     * Removes the meters of backends that have not been among the candidates for {@link #FORGET_AFTER}. Called off
     * the request path (when the metrics are read).
     */
    public void forgetGone(Collection<Endpoint> candidates, long nowNanos) {
        Set<String> known = new HashSet<>();
        candidates.forEach(e -> known.add(e.url()));
        List<BackendMeters> gone = new ArrayList<>();
        for (BackendMeters m : byBackend.values()) {
            if (known.contains(m.backend)) {
                m.lastKnown = nowNanos;
            } else if (nowNanos - m.lastKnown > FORGET_AFTER.toNanos()) {
                gone.add(m);
            }
        }
        for (BackendMeters m : gone) {
            byBackend.remove(m.backend, m);
            m.remove();
        }
    }

    /** The meters of one backend label. */
    private final class BackendMeters {
        private static final int OTHER = 0;

        final String backend;
        final Timer duration;
        /** Null for {@link #NO_BACKEND}: a request that reached no backend is never moved from one. */
        final Counter retries;
        /** Index: the status code; 0 for a code outside 100-599. Filled as codes are seen. */
        final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(600);
        volatile long lastKnown = System.nanoTime();

        BackendMeters(String backend) {
            this.backend = backend;
            this.duration = Timer.builder("mpp_request_duration")
                    .description("time from a request's arrival to the end of its answer, by the backend that"
                            + " answered last")
                    .tag("backend", backend)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
            this.retries = backend.equals(NO_BACKEND) ? null : Counter.builder("mpp_retries")
                    .description("requests moved to another backend after this one failed them before answering")
                    .tag("backend", backend)
                    .register(registry);
        }

        Counter requests(int status) {
            int index = status >= 100 && status < 600 ? status : OTHER;
            Counter c = byStatus.get(index);
            if (c == null) {
                // Registering twice gives the same counter: a race here is harmless.
                c = Counter.builder("mpp_requests")
                        .description("proxied requests by the backend that answered and the status code sent")
                        .tag("backend", backend)
                        .tag("code", index == OTHER ? "other" : Integer.toString(index))
                        .register(registry);
                byStatus.set(index, c);
            }
            return c;
        }

        void remove() {
            List<Meter> meters = new ArrayList<>(List.of(duration));
            if (retries != null) {
                meters.add(retries);
            }
            for (int i = 0; i < byStatus.length(); i++) {
                if (byStatus.get(i) != null) {
                    meters.add(byStatus.get(i));
                }
            }
            meters.forEach(registry::remove);
        }
    }
}
