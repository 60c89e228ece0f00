package io.mpp.selection;

import io.dropwizard.lifecycle.Managed;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.Endpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs selection on its own thread: at start, every interval, and promptly when asked (coalesced). Publishes an
 * immutable {@link Selection} that request threads read without locking and without ever waiting on a probe.
 */
public final class Selector implements Managed, SelectionSource {

    private static final Logger LOG = LoggerFactory.getLogger(Selector.class);

    /** Prompt selections are this far apart at least, so a stream of failing requests cannot keep probes running. */
    static final Duration MIN_GAP = Duration.ofMillis(200);

    /** How a selection run ended, counted for the metrics. */
    public enum Outcome {
        /** The strategy chose the serving backends. */
        SELECTED,
        /** No live backend met the strategy: every live one serves. */
        FALLBACK,
        /** No backend was live, and busy ones (their query found no time, their /metrics answered) serve. */
        BUSY,
        /** No candidate was live: requests get 503. */
        NONE,
        /** The run failed unexpectedly; the previous selection stays. */
        FAILED;

        /** The metric label value. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A request failure seen at a moment of {@link System#nanoTime()}. */
    private record Failure(long at, String why) {
    }

    private final CompositeLocator locator;
    private final BackendProbe probe;
    private final Strategy strategy;
    private final Duration interval;
    private final Duration probeDeadline;
    private final Duration leavingWindow;
    /** Backends discovery dropped, and since when; written by the selector thread only. */
    private final Map<Endpoint, Instant> leavingSince = new HashMap<>();
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean reselectPending = new AtomicBoolean();
    private final AtomicReference<Selection> current;
    /** Backends that failed a request, until a selection that started after the failure has judged them. */
    private final Map<Endpoint, Failure> failures = new ConcurrentHashMap<>();
    private volatile long lastRunStart = System.nanoTime() - MIN_GAP.toNanos();
    /** Selection runs by {@link Outcome}; written by the selector thread only. */
    private final AtomicLongArray runs = new AtomicLongArray(Outcome.values().length);
    /** Backends that fail requests again each time a selection lets them back in, held out for a while. */
    private final HoldDowns holds;
    /** Of the strikes of a backend that keeps failing at the longest hold, one in this many is logged at WARN. */
    static final int REMIND_EVERY = 30;
    /** The last two selections logged at INFO or WARN, the latest first; touched by the selector's thread only. */
    private final Deque<Selection> logged = new ArrayDeque<>(3);

    /**
     * @param probeDeadline the longest a probe may take; a probe that overruns it (it should not: each has its own
     *                      timeout) counts as a failed one, so nothing can stall selection
     * @param leavingWindow how long a backend discovery dropped is still probed: the longest a request may wait on
     *                      it (the proxy's exchange timeout)
     */
    public Selector(CompositeLocator locator, BackendProbe probe, Strategy strategy, Duration interval,
                    Duration probeDeadline, Duration leavingWindow, Clock clock) {
        this(locator, probe, strategy, interval, probeDeadline, leavingWindow, clock, System::nanoTime);
    }

    /** @param holdClock the clock of the holds, as {@link System#nanoTime()} */
    Selector(CompositeLocator locator, BackendProbe probe, Strategy strategy, Duration interval,
             Duration probeDeadline, Duration leavingWindow, Clock clock, LongSupplier holdClock) {
        this.holds = new HoldDowns(MIN_GAP, interval, holdClock);
        this.leavingWindow = leavingWindow;
        this.locator = locator;
        this.probe = probe;
        this.strategy = strategy;
        this.interval = interval;
        this.probeDeadline = probeDeadline;
        this.clock = clock;
        this.current = new AtomicReference<>(Selection.empty(clock.instant()));
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mpp-selector");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Selection current() {
        return current.get();
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

    /** How many selection runs ended this way since start. */
    public long runs(Outcome outcome) {
        return runs.get(outcome.ordinal());
    }

    @Override
    public void start() throws Exception {
        // The first selection runs before the server accepts requests, so a fresh start does not answer 503. It runs
        // on the selector thread like every other: selections never overlap.
        executor.submit(this::runGuarded).get();
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::runGuarded, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        executor.shutdownNow();
    }

    @Override
    public void reselectSoon() {
        if (reselectPending.compareAndSet(false, true)) {
            long wait = Math.max(0, lastRunStart + MIN_GAP.toNanos() - System.nanoTime());
            try {
                executor.schedule(this::runGuarded, wait, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                reselectPending.set(false); // stopping
            }
        }
    }

    @Override
    public void reportFailure(Endpoint backend, long sentAt, String why) {
        failures.put(backend, new Failure(System.nanoTime(), why));
        Duration hold = holds.failed(backend, sentAt, why);
        Selection before = current.getAndUpdate(s -> s.without(backend));
        if (before.live().contains(backend) || before.serving().contains(backend)) {
            int atLongest = holds.atLongest(backend);
            if (hold.isZero()) {
                LOG.warn("backend {} failed a request ({}): out of rotation until a selection finds it live again",
                        backend, why);
            } else if (atLongest <= 1) {
                LOG.warn("backend {} failed a request ({}) again after a selection let it back in: held out of"
                        + " rotation for {} ms, unless no other backend is live{}", backend, why, hold.toMillis(),
                        atLongest == 1 ? "; while this goes on, one in " + REMIND_EVERY + " such strikes is logged"
                                + " at WARN, the rest and the selections they cause at DEBUG" : "");
            } else if (atLongest % REMIND_EVERY == 0) {
                LOG.warn("backend {} still fails requests each time a selection lets it back in ({} strikes in a row"
                        + " at the longest hold; last: {}): held out of rotation for {} ms at a time", backend,
                        atLongest, why, hold.toMillis());
            } else {
                LOG.debug("backend {} failed a request ({}) again: held out of rotation for {} ms", backend, why,
                        hold.toMillis());
            }
        }
        if (!hold.isZero()) {
            // It comes back when its hold ends, not only at the next interval.
            try {
                executor.schedule(this::reselectSoon, hold.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }
        reselectSoon();
    }

    private void runGuarded() {
        reselectPending.set(false);
        lastRunStart = System.nanoTime();
        try {
            Selection s = selectOnce();
            Outcome outcome = s.satisfied() ? Outcome.SELECTED : s.isEmpty() ? Outcome.NONE
                    : s.busy() ? Outcome.BUSY : Outcome.FALLBACK;
            runs.incrementAndGet(outcome.ordinal());
        } catch (Throwable e) { // an Error too (out of memory, a class gone): a throw would end the schedule
            runs.incrementAndGet(Outcome.FAILED.ordinal());
            // Never let the schedule die: the next interval tries again.
            LOG.error("selection failed", e);
        }
    }

    /** One selection: discover, probe all candidates concurrently, measure, apply the strategy, publish. */
    Selection selectOnce() {
        long started = System.nanoTime();
        List<Endpoint> endpoints = locator.locate();
        List<CompletableFuture<Candidate>> probes = new ArrayList<>(endpoints.size());
        for (Endpoint endpoint : endpoints) {
            probes.add(probeGuarded(endpoint));
        }
        List<CompletableFuture<Candidate>> leavingProbes = new ArrayList<>();
        for (Endpoint endpoint : leaving(endpoints)) {
            leavingProbes.add(probeGuarded(endpoint));
        }
        Instant now = clock.instant();
        Map<Endpoint, Instant> wasLive = liveSince(current.get());
        List<Candidate> probed = new ArrayList<>(probes.size());
        for (CompletableFuture<Candidate> p : probes) {
            Candidate c = p.join(); // completes within probeDeadline
            Failure failure = failures.get(c.endpoint());
            if (c.live() && failure != null && failure.at() > started) {
                // It failed a request while we probed it: the request saw it last.
                c = Candidate.down(c.endpoint(), c.answering(), "failed a request: " + failure.why());
            }
            probed.add(c);
        }
        Map<Endpoint, HoldDowns.Hold> held = holdsInForce(probed);
        List<Candidate> candidates = new ArrayList<>(probed.size());
        for (Candidate c : probed) {
            if (held.containsKey(c.endpoint())) {
                // Answering: requests already waiting on it stay there, it does answer.
                c = Candidate.down(c.endpoint(), true, held.get(c.endpoint()).describe());
            }
            candidates.add(c.live()
                    ? c.withMeasured(strategy.measure(c, now)).withLiveSince(wasLive.getOrDefault(c.endpoint(), now))
                    : c);
        }
        List<Candidate> live = candidates.stream().filter(Candidate::live).toList();
        // Before the publish: a request it sends to one of them may fail at once, and that is a new strike. Not one
        // that failed since this selection started: the publish takes it out again, and its failure was one of a
        // burst under way already.
        for (Candidate c : live) {
            Failure failure = failures.get(c.endpoint());
            if (failure == null || failure.at() <= started) {
                holds.letBackIn(c.endpoint());
            }
        }
        for (Endpoint quiet : holds.forgetQuiet()) {
            if (live.stream().anyMatch(c -> c.endpoint().equals(quiet))) { // not one that discovery dropped
                LOG.info("backend {} has failed no request for a while since a selection let it back in: it is"
                        + " held out no more, and its failures are logged at WARN again", quiet);
            }
        }
        // With none live, busy ones answer in the end, as they would to a client asking them directly; a 503 would
        // not. They take requests, so they count as live in the selection.
        List<Candidate> takers = live.isEmpty() ? candidates.stream().filter(Candidate::busy).toList() : live;
        List<Candidate> chosen = live.isEmpty() ? List.of() : strategy.choose(live);
        boolean satisfied = !chosen.isEmpty();
        List<Endpoint> serving = (satisfied ? chosen : takers).stream().map(Candidate::endpoint).toList();
        List<Candidate> leaving = leavingProbes.stream().map(CompletableFuture::join).toList();
        // The held ones last: a reserve for requests whose other backends failed, never chosen while one is left.
        List<Endpoint> liveAndHeld = new ArrayList<>(takers.stream().map(Candidate::endpoint).toList());
        liveAndHeld.addAll(held.keySet());
        Selection next = new Selection(serving, liveAndHeld, candidates, now, satisfied, leaving);
        Selection previous = current.getAndSet(next);
        // A failure reported after the probes started and after the check above must not be undone by this publish.
        failures.forEach((backend, failure) -> {
            if (failure.at() > started) {
                current.updateAndGet(s -> s.without(backend));
            } else {
                failures.remove(backend, failure);
            }
        });
        report(previous, current.get());
        return current.get();
    }

    /**
     * The holds of the live candidates that are held out; but when every live one is held, none: a backend that
     * fails some requests serves better than none, which answers every request with 503.
     */
    private Map<Endpoint, HoldDowns.Hold> holdsInForce(List<Candidate> probed) {
        Map<Endpoint, HoldDowns.Hold> held = new LinkedHashMap<>();
        boolean anyFree = false;
        for (Candidate c : probed) {
            if (c.live()) {
                HoldDowns.Hold hold = holds.held(c.endpoint());
                if (hold == null) {
                    anyFree = true;
                } else {
                    held.put(c.endpoint(), hold);
                }
            }
        }
        return anyFree ? held : Map.of();
    }

    /**
     * The backends discovery listed before and not now, for as long as a request may still wait on one: a rolling
     * redeploy's replica finishes what it was given, a lost one is found silent and its requests move.
     */
    private List<Endpoint> leaving(List<Endpoint> listed) {
        Instant now = clock.instant();
        for (Candidate c : current.get().candidates()) {
            if (!listed.contains(c.endpoint())) {
                leavingSince.putIfAbsent(c.endpoint(), now);
            }
        }
        leavingSince.keySet().removeIf(listed::contains);
        leavingSince.values().removeIf(since -> !since.plus(leavingWindow).isAfter(now));
        return List.copyOf(leavingSince.keySet());
    }

    /** Since when each backend that is still live has been, by the last selection (a failed request ends it). */
    private static Map<Endpoint, Instant> liveSince(Selection last) {
        Map<Endpoint, Instant> since = new HashMap<>();
        for (Candidate c : last.candidates()) {
            if (c.liveSince() != null && last.live().contains(c.endpoint())) {
                since.put(c.endpoint(), c.liveSince());
            }
        }
        return since;
    }

    private CompletableFuture<Candidate> probeGuarded(Endpoint endpoint) {
        CompletableFuture<Candidate> p;
        try {
            p = probe.probe(endpoint);
        } catch (RuntimeException e) {
            p = CompletableFuture.completedFuture(Candidate.down(endpoint, "probe failed: " + e));
        }
        return p.completeOnTimeout(Candidate.down(endpoint, "probe did not finish within "
                        + probeDeadline.toMillis() + " ms"), probeDeadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> Candidate.down(endpoint, "probe failed: " + e));
    }

    private void report(Selection previous, Selection next) {
        boolean first = previous.candidates().isEmpty() && !next.candidates().isEmpty();
        if (!first) {
            reportLiveChanges(previous, next);
        }
        if (!first && previous.serving().equals(next.serving()) && previous.satisfied() == next.satisfied()) {
            LOG.debug("selection unchanged: {}", next.serving());
            return;
        }
        if (!first && flipOfRepeating(previous, next)) {
            LOG.debug("selected {} of {} candidate(s) ({}): {}", next.serving().size(), next.candidates().size(),
                    strategy.describe(), next.serving());
            return;
        }
        logged.addFirst(next);
        if (logged.size() > 2) {
            logged.removeLast();
        }
        if (next.serving().isEmpty()) {
            LOG.warn("no live backend among {} candidate(s): requests get 503 until one answers; {}",
                    next.candidates().size(), next.candidates());
        } else if (next.busy()) {
            LOG.warn("no backend answered the probe's query in time: serving from the busy ones, whose /metrics"
                    + " answered, {}; requests wait in their query queues", next.serving());
        } else if (!next.satisfied()) {
            LOG.warn("no backend satisfies strategy {}: serving from all live backends {}; measured: {}",
                    strategy.describe(), next.serving(), measuredValues(next));
        } else {
            LOG.info("selected {} of {} candidate(s) ({}): {}; measured: {}", next.serving().size(),
                    next.candidates().size(), strategy.describe(), next.serving(), measuredValues(next));
        }
    }

    /** A standby replica that goes down or comes back changes no serving set, but it is redundancy lost or won. */
    private void reportLiveChanges(Selection previous, Selection next) {
        for (Candidate c : next.candidates()) {
            boolean wasLive = previous.probedLive(c.endpoint());
            boolean isLive = next.probedLive(c.endpoint());
            if (wasLive && !isLive && c.error() != null) {
                if (repeating(c.endpoint())) {
                    LOG.debug("backend {} is down: {}", c.endpoint(), c.error());
                } else {
                    LOG.warn("backend {} is {}: {}", c.endpoint(), c.busy() ? "busy (its /metrics answers)" : "down",
                            c.error());
                }
            } else if (!wasLive && isLive) {
                String again = previous.candidates().stream().anyMatch(p -> p.endpoint().equals(c.endpoint()))
                        ? " again" : " (new)";
                if (repeating(c.endpoint())) {
                    LOG.debug("backend {} is live{}", c.endpoint(), again);
                } else {
                    LOG.info("backend {} is live{}", c.endpoint(), again);
                }
            }
        }
    }

    /**
     * Whether the backend fails requests each time it is let back in and has done so at the longest hold before: its
     * comings and goings repeat what the log said already.
     */
    private boolean repeating(Endpoint backend) {
        return holds.atLongest(backend) >= 2;
    }

    /**
     * Whether the selection is one of the last two logged, reached again because a backend that is
     * {@link #repeating} came or went: the flip between "with it" and "without it" that each of its strikes makes.
     */
    private boolean flipOfRepeating(Selection previous, Selection next) {
        if (next.serving().isEmpty() || logged.stream().noneMatch(s ->
                s.serving().equals(next.serving()) && s.satisfied() == next.satisfied())
                || !liveNotRepeating(next).equals(liveNotRepeating(logged.peekFirst()))) {
            return false; // news of its own: a selection not seen lately, or another backend came or went
        }
        // Against the last logged too: the selection a failure publishes without the backend is never logged.
        return changedRepeating(previous, next) || changedRepeating(logged.peekFirst(), next);
    }

    private Set<Endpoint> liveNotRepeating(Selection s) {
        return s.candidates().stream().map(Candidate::endpoint).filter(e -> s.probedLive(e) && !repeating(e))
                .collect(Collectors.toSet());
    }

    private boolean changedRepeating(Selection before, Selection next) {
        return before.serving().stream().filter(e -> !next.serving().contains(e)).anyMatch(this::repeating)
                || next.serving().stream().filter(e -> !before.serving().contains(e)).anyMatch(this::repeating);
    }

    private static String measuredValues(Selection s) {
        StringBuilder sb = new StringBuilder();
        for (Candidate c : s.candidates()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(c.endpoint()).append(' ').append(c.measured());
        }
        return sb.toString();
    }
}
