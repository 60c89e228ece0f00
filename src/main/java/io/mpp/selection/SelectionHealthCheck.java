package io.mpp.selection;

import com.codahale.metrics.health.HealthCheck;
import io.mpp.util.GoDuration;
import java.time.Clock;
import java.time.Duration;

/**
 * Healthy while at least one live backend is selected. When none meets the strategy it stays healthy (every live
 * backend serves) and says so; with no live backend at all it is unhealthy and lists why each candidate is down.
 * A selection that has not run for several intervals is unhealthy too: the backends it serves are no longer checked.
 */
public final class SelectionHealthCheck extends HealthCheck {

    /** Room beyond the intervals for one slow run: discovery and probes have timeouts of seconds. */
    private static final Duration SLOW_RUN = Duration.ofMinutes(1);

    private final SelectionSource selection;
    private final Strategy strategy;
    private final Duration interval;
    private final Clock clock;

    public SelectionHealthCheck(SelectionSource selection, Strategy strategy, Duration interval, Clock clock) {
        this.selection = selection;
        this.strategy = strategy;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    protected Result check() {
        Selection s = selection.current();
        Duration age = Duration.between(s.at(), clock.instant());
        if (age.compareTo(interval.multipliedBy(3).plus(SLOW_RUN)) > 0) {
            return Result.unhealthy("the last selection ran %s ago (it runs every %s): selection is stuck or"
                    + " failing, the backends are not checked; see the log", GoDuration.format(age),
                    GoDuration.format(interval));
        }
        if (s.isEmpty()) {
            if (s.candidates().isEmpty()) {
                return Result.unhealthy("no backend selected: the locators found no candidate");
            }
            StringBuilder why = new StringBuilder();
            for (Candidate c : s.candidates()) {
                why.append(why.isEmpty() ? "" : "; ").append(c.endpoint()).append(": ")
                        .append(c.error() != null ? c.error() : "failed a request since the last selection");
            }
            return Result.unhealthy("no live backend among %d candidate(s), requests get 503: %s",
                    s.candidates().size(), why);
        }
        if (s.busy()) {
            return Result.healthy("no backend answered the probe's query in time: %d busy backend(s), whose /metrics"
                    + " answered, serve %s", s.serving().size(), s.serving());
        }
        if (!s.satisfied()) {
            return Result.healthy("no live backend meets %s: all %d live backend(s) serve %s", strategy.describe(),
                    s.serving().size(), s.serving());
        }
        return Result.healthy("%d of %d candidate(s) selected (%s), %d live: %s", s.serving().size(),
                s.candidates().size(), strategy.describe(), s.probedLiveCount(), s.serving());
    }
}
