package io.mpp.selection;

import com.codahale.metrics.health.HealthCheck;

/**
 * Healthy while at least one live backend is selected. When none meets the strategy it stays healthy (every live
 * backend serves) and says so; with no live backend at all it is unhealthy and lists why each candidate is down.
 */
public final class SelectionHealthCheck extends HealthCheck {

    private final SelectionSource selection;
    private final Strategy strategy;

    public SelectionHealthCheck(SelectionSource selection, Strategy strategy) {
        this.selection = selection;
        this.strategy = strategy;
    }

    @Override
    protected Result check() {
        Selection s = selection.current();
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
        if (!s.satisfied()) {
            return Result.healthy("no live backend meets %s: all %d live backend(s) serve %s", strategy.describe(),
                    s.serving().size(), s.serving());
        }
        return Result.healthy("%d of %d candidate(s) selected (%s): %s", s.serving().size(), s.candidates().size(),
                strategy.describe(), s.serving());
    }
}
