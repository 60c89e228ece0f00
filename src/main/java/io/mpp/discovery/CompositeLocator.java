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
 * that fails keeps its last good list in use, and its error is kept for the status page, health checks and metrics.
 * Only the selector thread calls {@link #locate()}.
 */
public final class CompositeLocator {

    private static final Logger LOG = LoggerFactory.getLogger(CompositeLocator.class);

    /**
     * What one locator last answered.
     *
     * @param lastSuccess when it last answered (even with a {@link Locator#problem() problem}); null if never
     * @param lastError   why the last discovery failed as a whole, or the problem it answered with; null when it
     *                    fully worked
     * @param warning     what the last answer skipped without failing ({@link Locator#warning()}); null if nothing
     * @param errors      how many discoveries failed or had a problem since start
     */
    public record LocatorState(String name, List<Endpoint> endpoints, Instant lastSuccess, Instant lastAttempt,
                               String lastError, String warning, long errors) {
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
            states.put(locator.name(), new LocatorState(locator.name(), List.of(), null, null, "not run yet", null, 0));
        }
        published = List.copyOf(states.values());
    }

    public List<Locator> locators() {
        return locators;
    }

    public List<Endpoint> locate() {
        Map<String, Endpoint> all = new LinkedHashMap<>();
        for (Locator locator : locators) {
            LocatorState previous = states.get(locator.name());
            Instant now = clock.instant();
            LocatorState next;
            try {
                List<Endpoint> found = List.copyOf(locator.locate());
                String problem = locator.problem(); // the locator logged it
                next = new LocatorState(locator.name(), found, now, now, problem, locator.warning(),
                        previous.errors() + (problem == null ? 0 : 1));
                boolean failedLastTime = previous.lastAttempt() != null
                        && !previous.lastAttempt().equals(previous.lastSuccess());
                if (failedLastTime) {
                    LOG.info("{}: discovery works again", locator.name());
                }
            } catch (DiscoveryException e) {
                if (!e.getMessage().equals(previous.lastError())) {
                    LOG.warn("{}: {}; keeping the {} endpoint(s) it found last", locator.name(), e.getMessage(),
                            previous.endpoints().size());
                }
                next = new LocatorState(locator.name(), previous.endpoints(), previous.lastSuccess(), now,
                        e.getMessage(), previous.warning(), previous.errors() + 1);
            } catch (RuntimeException e) {
                // A locator bug must not stop selection for the others.
                LOG.error("{}: discovery failed unexpectedly", locator.name(), e);
                next = new LocatorState(locator.name(), previous.endpoints(), previous.lastSuccess(), now,
                        e.toString(), previous.warning(), previous.errors() + 1);
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

    /** The state of the named locator; null for a name no locator has. */
    public LocatorState state(String name) {
        for (LocatorState s : published) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
