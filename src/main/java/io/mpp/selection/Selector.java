package io.mpp.selection;

import io.dropwizard.lifecycle.Managed;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.Endpoint;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs selection on its own thread: at start, every interval, and promptly when asked (coalesced). Publishes an
 * immutable {@link Selection} that request threads read without locking and without ever waiting on a probe.
 */
public final class Selector implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(Selector.class);

    private final CompositeLocator locator;
    private final BackendProbe probe;
    private final Strategy strategy;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean reselectPending = new AtomicBoolean();
    private volatile Selection current;

    public Selector(CompositeLocator locator, BackendProbe probe, Strategy strategy, Duration interval, Clock clock) {
        this.locator = locator;
        this.probe = probe;
        this.strategy = strategy;
        this.interval = interval;
        this.clock = clock;
        this.current = Selection.empty(clock.instant());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mpp-selector");
            t.setDaemon(true);
            return t;
        });
    }

    /** The selection in force; never null. */
    public Selection current() {
        return current;
    }

    public Strategy strategy() {
        return strategy;
    }

    public Duration interval() {
        return interval;
    }

    public CompositeLocator locator() {
        return locator;
    }

    @Override
    public void start() {
        // The first selection runs before the server accepts requests, so a fresh start does not answer 503.
        runGuarded();
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::runGuarded, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        executor.shutdownNow();
    }

    /** Asks for a selection soon, off the caller's thread; many requests before it runs make one selection. */
    public void reselectSoon() {
        if (reselectPending.compareAndSet(false, true)) {
            try {
                executor.execute(this::runGuarded);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reselectPending.set(false); // stopping
            }
        }
    }

    private void runGuarded() {
        reselectPending.set(false);
        try {
            selectOnce();
        } catch (RuntimeException e) {
            // Never let the schedule die: the next interval tries again.
            LOG.error("selection failed", e);
        }
    }

    /** One selection: discover, probe all candidates concurrently, apply the strategy, publish. */
    Selection selectOnce() {
        List<Endpoint> endpoints = locator.locate();
        List<CompletableFuture<Candidate>> probes = new ArrayList<>(endpoints.size());
        for (Endpoint endpoint : endpoints) {
            probes.add(probe.probe(endpoint));
        }
        List<Candidate> candidates = new ArrayList<>(probes.size());
        for (CompletableFuture<Candidate> p : probes) {
            candidates.add(p.join()); // each probe completes within its own timeout
        }
        List<Candidate> live = candidates.stream().filter(Candidate::live).toList();
        List<Candidate> chosen = live.isEmpty() ? List.of() : strategy.choose(live);
        boolean satisfied = !chosen.isEmpty();
        List<Endpoint> serving = (satisfied ? chosen : live).stream().map(Candidate::endpoint).toList();
        Selection next = new Selection(serving, live.stream().map(Candidate::endpoint).toList(), candidates,
                clock.instant(), satisfied);
        report(current, next);
        current = next;
        return next;
    }

    private void report(Selection previous, Selection next) {
        if (previous.serving().equals(next.serving()) && previous.satisfied() == next.satisfied()) {
            LOG.debug("selection unchanged: {}", next.serving());
            return;
        }
        if (next.serving().isEmpty()) {
            LOG.warn("no live backend among {} candidate(s): requests get 503 until one answers; {}",
                    next.candidates().size(), next.candidates());
        } else if (!next.satisfied()) {
            LOG.warn("no backend satisfies strategy {}: serving from all live backends {}", strategy.describe(),
                    next.serving());
        } else {
            LOG.info("selected {} of {} candidate(s) ({}): {}", next.serving().size(), next.candidates().size(),
                    strategy.describe(), next.serving());
        }
    }
}
