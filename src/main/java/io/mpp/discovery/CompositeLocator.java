package io.mpp.discovery;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every configured locator in turn and concatenates their candidates (first finder of a URL wins). A locator
 * that fails keeps its last good answer in use, and its error is kept for the status page and health checks.
 * Only the selector thread calls {@link #locate()}.
 */
public final class CompositeLocator {

    private static final Logger LOG = LoggerFactory.getLogger(CompositeLocator.class);

    /** What one locator last answered. */
    public record LocatorState(String name, List<Endpoint> endpoints, Instant lastSuccess, Instant lastAttempt,
                               String lastError) {
        public boolean healthy() {
            return lastError == null;
        }
    }

    private final List<Locator> locators;
    private final Clock clock;
    private final Map<String, LocatorState> states = new LinkedHashMap<>();
    private volatile List<LocatorState> published = List.of();

    public CompositeLocator(List<Locator> locators, Clock clock) {
        this.locators = List.copyOf(locators);
        this.clock = clock;
        for (Locator locator : this.locators) {
            states.put(locator.name(), new LocatorState(locator.name(), List.of(), null, null, "not run yet"));
        }
        published = List.copyOf(states.values());
    }

    public List<Endpoint> locate() {
        Map<String, Endpoint> all = new LinkedHashMap<>();
        for (Locator locator : locators) {
            LocatorState previous = states.get(locator.name());
            Instant now = clock.instant();
            LocatorState next;
            try {
                next = new LocatorState(locator.name(), List.copyOf(locator.locate()), now, now, null);
                if (previous.lastError() != null && previous.lastAttempt() != null) {
                    LOG.info("{}: discovery works again", locator.name());
                }
            } catch (DiscoveryException e) {
                if (!e.getMessage().equals(previous.lastError())) {
                    LOG.warn("{}: {}; keeping the {} endpoint(s) it found last", locator.name(), e.getMessage(),
                            previous.endpoints().size());
                }
                next = new LocatorState(locator.name(), previous.endpoints(), previous.lastSuccess(), now,
                        e.getMessage());
            } catch (RuntimeException e) {
                // A locator bug must not stop selection for the others.
                LOG.error("{}: discovery failed unexpectedly", locator.name(), e);
                next = new LocatorState(locator.name(), previous.endpoints(), previous.lastSuccess(), now,
                        e.toString());
            }
            states.put(locator.name(), next);
            for (Endpoint endpoint : next.endpoints()) {
                all.putIfAbsent(endpoint.url(), endpoint);
            }
        }
        published = List.copyOf(states.values());
        return new ArrayList<>(all.values());
    }

    /** The state of every locator after the last {@link #locate()}; safe to read from any thread. */
    public List<LocatorState> states() {
        return published;
    }
}
