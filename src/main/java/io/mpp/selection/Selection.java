package io.mpp.selection;

import io.mpp.discovery.Endpoint;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One immutable outcome of a selection, swapped atomically by the {@link Selector}. Requests read it without locks.
 *
 * @param serving    the backends the strategy chose; one of them answers each request
 * @param live       every live backend, for when the strategy chose none (and, later, for retries)
 * @param candidates everything discovered, with probe results, for the status page
 * @param satisfied  false when no backend met the strategy and the live ones serve instead
 */
public record Selection(List<Endpoint> serving, List<Endpoint> live, List<Candidate> candidates, Instant at,
                        boolean satisfied) {

    public Selection {
        serving = List.copyOf(serving);
        live = List.copyOf(live);
        candidates = List.copyOf(candidates);
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
}
