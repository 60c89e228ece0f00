package io.mpp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.Endpoint;
import io.mpp.proxy.ProxyMetrics;
import io.mpp.selection.Candidate;
import io.mpp.selection.RandomStrategy;
import io.mpp.selection.Selector;
import io.mpp.testing.FixedLocator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SelectionMetricsTest {

    private static final Endpoint BUSY = Endpoint.parse("http://busy:9090", "fixed");

    private Selector selector;

    @AfterEach
    void stop() {
        if (selector != null) {
            selector.stop();
        }
    }

    @Test
    void everyRunResultHasItsSeriesAndARunWhereBusyOnesServeCountsAsBusy() throws Exception {
        selector = new Selector(new CompositeLocator(List.of(FixedLocator.of(BUSY)), Clock.systemUTC()),
                e -> CompletableFuture.completedFuture(Candidate.busy(e, "query: no answer within 2000 ms")),
                new RandomStrategy(), Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofMinutes(2),
                Clock.systemUTC());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new SelectionMetrics(selector, new ProxyMetrics(registry)).bindTo(registry);

        selector.start(); // the first selection runs before start returns

        for (Selector.Outcome outcome : Selector.Outcome.values()) {
            FunctionCounter runs = registry.find("mpp_selection_runs").tag("result", outcome.label())
                    .functionCounter();
            assertThat(runs).as(outcome.label()).isNotNull();
            assertThat(runs.count()).as(outcome.label()).isEqualTo(outcome == Selector.Outcome.BUSY ? 1 : 0);
        }
    }
}
