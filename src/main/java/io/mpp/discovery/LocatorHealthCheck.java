package io.mpp.discovery;

import com.codahale.metrics.health.HealthCheck;

/**
 * Unhealthy while a locator's last discovery failed, or answered with a problem (part of it failed); says why and
 * how many last known endpoints are still in use. What a locator skipped while still finding endpoints (a warning:
 * bad lines of a file) is said but keeps it healthy: readiness probes use this check, and one bad line must not take
 * every copy of mpp out of service while the other endpoints work. One per locator, named like it, on the admin port.
 */
public final class LocatorHealthCheck extends HealthCheck {

    private final CompositeLocator locators;
    private final String name;

    public LocatorHealthCheck(CompositeLocator locators, String name) {
        this.locators = locators;
        this.name = name;
    }

    @Override
    protected Result check() {
        CompositeLocator.LocatorState state = locators.state(name);
        if (state == null) {
            return Result.unhealthy("no locator named " + name);
        }
        if (state.lastError() == null) {
            String warning = state.warning() == null ? "" : "; " + state.warning();
            return Result.builder().healthy()
                    .withMessage("found %d endpoint(s) at %s%s", state.endpoints().size(), state.lastSuccess(), warning)
                    .build();
        }
        // A locator that answered with a problem says itself what it kept.
        boolean answered = state.lastAttempt() == null || state.lastAttempt().equals(state.lastSuccess());
        String kept = state.lastSuccess() == null ? " (it never succeeded: no endpoint from it)"
                : " (keeping the " + state.endpoints().size() + " endpoint(s) it found at " + state.lastSuccess() + ")";
        return Result.builder().unhealthy()
                .withMessage(answered ? state.lastError() : state.lastError() + kept)
                .withDetail("lastAttempt", String.valueOf(state.lastAttempt()))
                .withDetail("lastSuccess", String.valueOf(state.lastSuccess()))
                .build();
    }
}
