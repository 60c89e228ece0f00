package io.mpp.discovery;

import io.dropwizard.lifecycle.Managed;
import io.mpp.util.GoDuration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every configured locator at once and concatenates their candidates in the locators' order (first finder of
 * a URL wins). A locator that fails, or that has not answered within the deadline, keeps its last good list in use,
 * and its error is kept for the status page, health checks and metrics. Only the selector thread calls
 * {@link #locate()}; each locator is called by one thread at a time.
 */
public final class CompositeLocator implements Managed {

    /**
     * How long a selection waits for discovery. Each locator bounds its own calls well below this; the deadline is
     * for what slips through (a credential plugin that hangs, many calls that each time out), so that one stuck
     * locator cannot hold up the selection of the backends the others found.
     */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(CompositeLocator.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** What one call of a locator answered: its endpoints, and what it reported besides. */
    private record Answer(List<Endpoint> found, String problem, String warning) {
    }

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
    private final Duration deadline;
    private final Map<String, LocatorState> states = new LinkedHashMap<>();
    /** The call of each locator that has not answered yet; no second call starts while one is running. */
    private final Map<String, CompletableFuture<Answer>> running = new HashMap<>();
    /** Daemon threads that end when idle: a stuck call keeps one, and stops nothing else. */
    private final ExecutorService calls = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "mpp-discovery-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private volatile List<LocatorState> published = List.of();

    public CompositeLocator(List<Locator> locators, Clock clock) {
        this(locators, clock, DEFAULT_DEADLINE);
    }

    public CompositeLocator(List<Locator> locators, Clock clock, Duration deadline) {
        this.locators = List.copyOf(locators);
        this.clock = clock;
        this.deadline = deadline;
        for (Locator locator : this.locators) {
            // Names key the state, the health checks and the metrics: two locators under one would be one.
            if (states.put(locator.name(), new LocatorState(locator.name(), List.of(), null, null, "not run yet", null,
                    0)) != null) {
                throw new IllegalArgumentException("two locators go by the name " + locator.name());
            }
        }
        published = List.copyOf(states.values());
    }

    public List<Locator> locators() {
        return locators;
    }

    public List<Endpoint> locate() {
        Set<String> startedNow = new HashSet<>();
        for (Locator locator : locators) {
            running.computeIfAbsent(locator.name(), name -> {
                startedNow.add(name);
                return CompletableFuture.supplyAsync(() -> call(locator), calls);
            });
        }
        long until = System.nanoTime() + deadline.toNanos();
        Map<String, Endpoint> all = new LinkedHashMap<>();
        for (Locator locator : locators) {
            LocatorState previous = states.get(locator.name());
            CompletableFuture<Answer> call = running.get(locator.name());
            LocatorState next;
            try {
                // A call a selection before this one gave up on is not waited for again: it would hold up every
                // selection (the prompt ones after a failure too) by the whole deadline.
                long wait = startedNow.contains(locator.name()) ? Math.max(0, until - System.nanoTime()) : 0;
                Answer answer = call.get(wait, TimeUnit.NANOSECONDS);
                running.remove(locator.name());
                next = answered(locator.name(), previous, answer);
            } catch (TimeoutException e) {
                next = failed(locator.name(), previous, "no answer within " + GoDuration.format(deadline)
                        + "; discovery is still running, and a later selection takes its answer");
            } catch (ExecutionException e) {
                running.remove(locator.name());
                next = failed(locator.name(), previous, e.getCause());
            } catch (InterruptedException e) {
                // mpp stops: nothing to report, and what the others found last stays as it was.
                Thread.currentThread().interrupt();
                return new ArrayList<>(all.values());
            }
            states.put(locator.name(), next);
            for (Endpoint endpoint : next.endpoints()) {
                all.putIfAbsent(endpoint.url(), endpoint);
            }
        }
        published = List.copyOf(states.values());
        return new ArrayList<>(all.values());
    }

    /** One call, on a thread of its own; what the locator reports besides is read right after, on that thread. */
    private static Answer call(Locator locator) {
        try {
            List<Endpoint> found = List.copyOf(locator.locate());
            return new Answer(found, locator.problem(), locator.warning());
        } catch (DiscoveryException e) {
            throw new CompletionException(e); // get() unwraps it
        }
    }

    private LocatorState answered(String name, LocatorState previous, Answer answer) {
        Instant now = clock.instant();
        boolean failedLastTime = previous.lastAttempt() != null
                && !previous.lastAttempt().equals(previous.lastSuccess());
        if (failedLastTime) {
            LOG.info("{}: discovery works again", name);
        }
        // The locator logged its problem itself.
        return new LocatorState(name, answer.found(), now, now, answer.problem(), answer.warning(),
                previous.errors() + (answer.problem() == null ? 0 : 1));
    }

    private LocatorState failed(String name, LocatorState previous, Throwable failure) {
        if (failure instanceof DiscoveryException) {
            return failed(name, previous, failure.getMessage());
        }
        // A locator bug must not stop selection for the others.
        LOG.error("{}: discovery failed unexpectedly", name, failure);
        return failed(name, previous, failure.toString());
    }

    private LocatorState failed(String name, LocatorState previous, String why) {
        if (!why.equals(previous.lastError())) {
            LOG.warn("{}: {}; keeping the {} endpoint(s) it found last", name, why, previous.endpoints().size());
        }
        return new LocatorState(name, previous.endpoints(), previous.lastSuccess(), clock.instant(), why,
                previous.warning(), previous.errors() + 1);
    }

    /**
     * Interrupts the calls still running, and takes no more. Waits a little for them to end: the JVM would not run
     * what an interrupted call still has to do on its way out (kill a credential plugin's process) once it exits.
     */
    @Override
    public void stop() throws InterruptedException {
        calls.shutdownNow();
        if (!calls.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("discovery calls still running {} after stop; they end with the process",
                    GoDuration.format(STOP_WAIT));
        }
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
