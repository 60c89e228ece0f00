package io.mpp.discovery.marathon;

import com.codahale.metrics.health.HealthCheck;
import java.util.List;

/** Unhealthy while any configured app could not be read; names the apps and why (on the admin /healthcheck). */
final class MarathonHealthCheck extends HealthCheck {

    private final MarathonLocator locator;

    MarathonHealthCheck(MarathonLocator locator) {
        this.locator = locator;
    }

    @Override
    protected Result check() {
        List<MarathonLocator.AppState> failing = locator.appStates().stream().filter(s -> s.error() != null).toList();
        if (failing.isEmpty()) {
            return Result.healthy();
        }
        StringBuilder message = new StringBuilder();
        for (MarathonLocator.AppState state : failing) {
            message.append(message.isEmpty() ? "" : "; ").append(state.error()).append(" (serving its ")
                    .append(state.endpoints().size()).append(" last known endpoint(s))");
        }
        return Result.unhealthy(message.toString());
    }
}
