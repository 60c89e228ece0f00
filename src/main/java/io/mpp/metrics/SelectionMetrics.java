package io.mpp.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mpp.discovery.CompositeLocator;
import io.mpp.proxy.ProxyMetrics;
import io.mpp.selection.Candidate;
import io.mpp.selection.Selection;
import io.mpp.selection.Selector;
import java.util.ArrayList;
import java.util.List;

/**
 * What selection and discovery did: backends selected and live, one up and one selected gauge per candidate
 * (a backend no longer discovered loses its gauges at the next scrape), selection runs by outcome, locator errors.
 */
public final class SelectionMetrics implements MeterBinder {

    private final Selector selector;
    private final ProxyMetrics proxy;
    private MultiGauge up;
    private MultiGauge selected;

    public SelectionMetrics(Selector selector, ProxyMetrics proxy) {
        this.selector = selector;
        this.proxy = proxy;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mpp_selected_backends", selector, s -> s.current().serving().size())
                .description("backends requests go to").register(registry);
        Gauge.builder("mpp_live_backends", selector, s -> s.current().probedLiveCount())
                .description("backends that answered their last probe and have not failed a request since")
                .register(registry);
        Gauge.builder("mpp_candidate_backends", selector, s -> s.current().candidates().size())
                .description("backends the locators found").register(registry);
        Gauge.builder("mpp_selection_timestamp_seconds", selector,
                        s -> s.current().at().toEpochMilli() / 1000.0)
                .description("when the probes behind the selection in force ran").register(registry);
        for (Selector.Outcome outcome : Selector.Outcome.values()) {
            FunctionCounter.builder("mpp_selection_runs", selector, s -> s.runs(outcome))
                    .description("selection runs by result: selected (the strategy chose), fallback (none met it:"
                            + " every live backend serves), busy (no live backend: busy ones serve), none (no live"
                            + " backend nor busy one), failed")
                    .tag("result", outcome.label())
                    .register(registry);
        }
        CompositeLocator locators = selector.locator();
        for (CompositeLocator.LocatorState state : locators.states()) {
            String name = state.name();
            FunctionCounter.builder("mpp_locator_errors", locators, l -> l.state(name).errors())
                    .description("discoveries that failed, or answered with a problem, by locator")
                    .tag("locator", name)
                    .register(registry);
            Gauge.builder("mpp_locator_last_success_timestamp_seconds", locators, l -> {
                        CompositeLocator.LocatorState s = l.state(name);
                        return s.lastSuccess() == null ? Double.NaN : s.lastSuccess().toEpochMilli() / 1000.0;
                    })
                    .description("when the locator last answered; NaN before its first answer")
                    .tag("locator", name)
                    .register(registry);
        }
        up = MultiGauge.builder("mpp_backend_up")
                .description("1 while the backend is live (answered its probe, failed no request since)")
                .register(registry);
        selected = MultiGauge.builder("mpp_backend_selected")
                .description("1 while requests go to the backend").register(registry);
    }

    /** Sets the per-backend gauges from the selection in force; backends gone from it lose theirs. */
    public void refresh() {
        Selection s = selector.current();
        List<MultiGauge.Row<?>> upRows = new ArrayList<>(s.candidates().size());
        List<MultiGauge.Row<?>> selectedRows = new ArrayList<>(s.candidates().size());
        for (Candidate c : s.candidates()) {
            Tags tags = Tags.of("backend", c.endpoint().url(), "locator", c.endpoint().locator());
            upRows.add(MultiGauge.Row.of(tags, s.probedLive(c.endpoint()) ? 1 : 0));
            selectedRows.add(MultiGauge.Row.of(tags, s.serving().contains(c.endpoint()) ? 1 : 0));
        }
        up.register(upRows, true);
        selected.register(selectedRows, true);
        proxy.forgetGone(s.candidates().stream().map(Candidate::endpoint).toList(), System.nanoTime());
    }
}
