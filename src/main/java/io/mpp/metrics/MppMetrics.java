package io.mpp.metrics;

import io.dropwizard.lifecycle.Managed;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Server;

/**
 * mpp's metrics: the Prometheus registry every part records in, the JVM's and Jetty's meters, the build info, and
 * the exposition in whichever text format the scraper asks for. Gauges over state that comes and goes (backends)
 * are refreshed right before each scrape.
 */
public final class MppMetrics implements Managed {

    private final PrometheusMeterRegistry registry;
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public MppMetrics(PrometheusMeterRegistry registry, String version) {
        this.registry = registry;
        Gauge.builder("mpp.build.info", () -> 1) // ".info": an info metric, mpp_build_info
                .description("always 1; the labels say which mpp runs on which Java")
                .tags("version", version, "java", System.getProperty("java.version", "unknown"))
                .register(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Runs before every scrape, on the scraping thread; must be quick and must not block. */
    public void beforeScrape(Runnable refresh) {
        beforeScrape.add(refresh);
    }

    /** Jetty's request threads and connections (both ports share the server's thread pool). */
    public void bindJetty(Server server) {
        new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty()).bindTo(registry);
        JettyConnectionMetrics.addToAllConnectors(server, registry, Tags.empty());
    }

    /**
     * The format answered to this Accept header: OpenMetrics when the scraper asks for it (Prometheus does), else
     * Prometheus text 0.0.4. Never protobuf: both text formats are all a scraper needs.
     */
    public String contentType(String accept) {
        return accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    }

    /**
     * Writes every meter in the format {@link #contentType} chose for the same Accept header. One scrape at a time:
     * refreshing the per-backend gauges removes and adds them again, and a scrape running alongside would see a
     * gauge twice (and fail) or not at all. Scrapes are few (two Prometheus replicas, both ports), never requests.
     */
    public synchronized void scrape(OutputStream out, String accept) throws IOException {
        beforeScrape.forEach(Runnable::run);
        registry.scrape(out, contentType(accept));
    }

    @Override
    public void stop() {
        gc.close(); // it listens to the JVM's GC notifications
    }
}
