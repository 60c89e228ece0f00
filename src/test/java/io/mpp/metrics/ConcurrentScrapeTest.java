package io.mpp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Scrapes that overlap (two Prometheus replicas scraping mpp, or both ports) each see every per-backend gauge once,
 * though each scrape first registers those gauges anew, as {@link SelectionMetrics#refresh()} does.
 */
class ConcurrentScrapeTest {

    @Test
    void overlappingScrapesEachSeeEveryBackendsGaugeOnce() throws Exception {
        MppMetrics metrics = new MppMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "test");
        MultiGauge up = MultiGauge.builder("mpp_backend_up").register(metrics.registry());
        List<MultiGauge.Row<?>> rows = List.of(MultiGauge.Row.of(Tags.of("backend", "http://a:9090"), 1),
                MultiGauge.Row.of(Tags.of("backend", "http://b:9090"), 1));
        metrics.beforeScrape(() -> up.register(rows, true));

        List<Callable<String>> scrapes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            scrapes.add(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                metrics.scrape(out, null);
                return out.toString(StandardCharsets.UTF_8);
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<String> scrape : pool.invokeAll(scrapes)) {
                assertThat(scrape.get().lines().filter(l -> l.startsWith("mpp_backend_up{"))).hasSize(2);
            }
        } finally {
            pool.shutdownNow();
            metrics.stop();
        }
    }
}
