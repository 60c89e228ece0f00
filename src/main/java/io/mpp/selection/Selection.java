package io.mpp.selection;

import io.mpp.discovery.Endpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One immutable outcome of a selection, swapped atomically by the {@link Selector}. Requests read it without locks.
 *
 * @param serving    the backends requests go to; one of them answers each request
 * @param live       every live backend: where a request goes when the serving ones failed it; last, those held out
 *                   for failing requests again and again ({@code HoldDowns}), a reserve for when the others fail
 * @param candidates everything discovered, with probe results and the strategy's measured value, for the status page
 * @param at         when the probes behind it ran
 * @param satisfied  false when no live backend met the strategy and all live ones serve instead
 * @param leaving    backends discovery no longer lists, probed all the same for a while: requests may still wait on
 *                   them, and are moved off one that answers nothing. Never serving, never live
 */
public record Selection(List<Endpoint> serving, List<Endpoint> live, List<Candidate> candidates, Instant at,
                        boolean satisfied, List<Candidate> leaving) {

    public Selection {
        serving = List.copyOf(serving);
        live = List.copyOf(live);
        candidates = List.copyOf(candidates);
        leaving = List.copyOf(leaving);
    }

    public Selection(List<Endpoint> serving, List<Endpoint> live, List<Candidate> candidates, Instant at,
                     boolean satisfied) {
        this(serving, live, candidates, at, satisfied, List.of());
    }

    public static Selection empty(Instant at) {
        return new Selection(List.of(), List.of(), List.of(), at, false);
    }

    public boolean isEmpty() {
        return serving.isEmpty();
    }

    /** A serving backend for one request, or null when none is live. */
    public Endpoint pick() {
        List<Endpoint> s = serving;
        return switch (s.size()) {
            case 0 -> null;
            case 1 -> s.get(0);
            default -> s.get(ThreadLocalRandom.current().nextInt(s.size()));
        };
    }

    /**
     * A backend for a retry: a serving one not tried yet, else any live one not tried yet; null when every one was
     * tried.
     */
    public Endpoint pickOther(Collection<Endpoint> tried) {
        Endpoint next = pickAmong(serving, tried, false);
        if (next == null) {
            next = pickAmong(live, tried, true);
        }
        return next != null ? next : pickAmong(live, tried, false);
    }

    /** An untried one of the backends, at random; with {@code probedOnly}, only one {@link #probedLive}. */
    private Endpoint pickAmong(List<Endpoint> backends, Collection<Endpoint> tried, boolean probedOnly) {
        List<Endpoint> left = new ArrayList<>(backends.size());
        for (Endpoint e : backends) {
            if (!tried.contains(e) && (!probedOnly || probedLive(e))) {
                left.add(e);
            }
        }
        return left.isEmpty() ? null : left.get(ThreadLocalRandom.current().nextInt(left.size()));
    }

    /**
     * Live by its probe and not out of rotation since. False for a busy backend, though it takes requests while no
     * backend is live: monitoring counts it as down.
     */
    public boolean probedLive(Endpoint backend) {
        return live.contains(backend) && candidates.stream().anyMatch(c -> c.endpoint().equals(backend) && c.live());
    }

    /** How many backends are {@link #probedLive live by their probe}. */
    public int probedLiveCount() {
        return (int) live.stream().filter(this::probedLive).count();
    }

    /** Whether the backends serving are busy ones, because none answered the probe's query in time. */
    public boolean busy() {
        return !serving.isEmpty() && candidates.stream()
                .anyMatch(c -> c.busy() && serving.contains(c.endpoint()));
    }

    /**
     * Whether the probes behind this selection found the backend answering nothing at all: hung or gone, not merely
     * busy. A backend discovery dropped is probed for a while too ({@link #leaving}); false for one not probed.
     */
    public boolean silent(Endpoint backend) {
        for (List<Candidate> probed : List.of(candidates, leaving)) {
            for (Candidate c : probed) {
                if (c.endpoint().equals(backend)) {
                    return !c.answering();
                }
            }
        }
        return false;
    }

    /**
     * This selection with a backend that just failed a request taken out. When it was the only serving one, the
     * other live ones serve (not satisfied) until the next selection decides, the held ones only when no other is
     * left; when it was the last live one, the busy ones do, as a selection would have them.
     */
    public Selection without(Endpoint failed) {
        if (!live.contains(failed) && !serving.contains(failed)) {
            return this;
        }
        List<Endpoint> nowLive = live.stream().filter(e -> !e.equals(failed)).toList();
        if (nowLive.isEmpty() && probedLive(failed)) {
            // Only after a probed-live one: busy ones that failed already must not come back before a selection.
            nowLive = candidates.stream().filter(c -> c.busy() && !c.endpoint().equals(failed))
                    .map(Candidate::endpoint).toList();
        }
        List<Endpoint> nowServing = serving.stream().filter(e -> !e.equals(failed)).toList();
        boolean stillSatisfied = satisfied && !nowServing.isEmpty();
        if (nowServing.isEmpty()) {
            List<Endpoint> free = nowLive.stream().filter(this::probedLive).toList();
            nowServing = free.isEmpty() ? nowLive : free;
        }
        return new Selection(nowServing, nowLive, candidates, at, stillSatisfied, leaving);
    }
}
